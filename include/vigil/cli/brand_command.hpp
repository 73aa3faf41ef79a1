#pragma once
// vigil brand permute|check: dnstwist-style permutations of a domain, and lookalike checks of
// hosts against the protected list.
namespace vigil::cli {

int run_brand(int argc, char** argv);

}  // namespace vigil::cli
