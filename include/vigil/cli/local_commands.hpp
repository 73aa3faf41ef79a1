#pragma once
// Subcommands implemented by the lead CLI files (train/eval live in commands.hpp).
namespace vigil::cli {

int run_serve(int argc, char** argv);
int run_check(int argc, char** argv);
int run_version(int argc, char** argv);

}  // namespace vigil::cli
