#pragma once
// Bounded optimal-string-alignment distance (Levenshtein plus adjacent transposition), the
// distance typosquatting is measured in.
#include <cstddef>
#include <string_view>

namespace vigil::domain {

// Distance between a and b, or max_distance + 1 when it exceeds max_distance. No allocation for
// strings up to 64 bytes; longer ones are only compared by length (returns max_distance + 1
// unless equal).
size_t osa_distance(std::string_view a, std::string_view b, size_t max_distance);

}  // namespace vigil::domain
