#pragma once
// dnstwist-style permutations of a domain, for tests and for users who monitor their own brand.
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/domain/lookalike.hpp"
#include "vigil/domain/public_suffix.hpp"

namespace vigil::domain {

struct Permutation {
    LookalikeTechnique technique;
    std::string domain;   // ASCII (punycode for IDN permutations)
    std::string unicode;  // Unicode form (same as domain unless IDN)
};

// All permutations of `domain` (its registrable label is permuted, the public suffix kept or
// swapped), without duplicates and without the domain itself, grouped by technique in the
// order of LookalikeTechnique. Errors for an invalid host or one with no registrable label.
Result<std::vector<Permutation>> permute(std::string_view domain, const PublicSuffixList& psl);

// The common words of the dictionary and combo families (login, secure, account, ...).
const std::vector<std::string_view>& permutation_words();

}  // namespace vigil::domain
