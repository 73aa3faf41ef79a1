#pragma once
// Marsaglia's xorshift64: a fixed, seedable stream of pseudo-random numbers for tests that compare two
// implementations on random inputs (reproducible across platforms, unlike std::*_distribution).
#include <cstddef>
#include <cstdint>

namespace vigil::testing {

struct XorShift64 {
    uint64_t state;  // must not be 0
    uint64_t next() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
    size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

}  // namespace vigil::testing
