#include "vigil/domain/edit_distance.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace vigil::domain {

size_t osa_distance(std::string_view a, std::string_view b, size_t max_distance) {
    const size_t too_far = max_distance + 1;
    const size_t n = a.size(), m = b.size();
    if ((n > m ? n - m : m - n) > max_distance) return too_far;
    constexpr size_t kMax = 64;
    if (n > kMax || m > kMax) return a == b ? 0 : too_far;
    // Three rolling rows of the dynamic programme (the transposition looks two rows back).
    std::array<uint8_t, kMax + 1> prev2{}, prev{}, cur{};
    for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<uint8_t>(j);
    for (size_t i = 1; i <= n; ++i) {
        cur[0] = static_cast<uint8_t>(i);
        uint8_t row_min = cur[0];
        for (size_t j = 1; j <= m; ++j) {
            const uint8_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            uint8_t v = std::min({static_cast<uint8_t>(prev[j] + 1), static_cast<uint8_t>(cur[j - 1] + 1),
                                  static_cast<uint8_t>(prev[j - 1] + cost)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                v = std::min(v, static_cast<uint8_t>(prev2[j - 2] + 1));
            }
            cur[j] = v;
            row_min = std::min(row_min, v);
        }
        if (row_min > max_distance) return too_far;
        prev2 = prev;
        prev = cur;
    }
    return std::min<size_t>(prev[m], too_far);
}

}  // namespace vigil::domain
