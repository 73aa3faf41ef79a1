#include "byte_search.hpp"

#include <immintrin.h>

#include <algorithm>
#include <bit>

#define VIGIL_AVX2 __attribute__((target("avx2,bmi,bmi2,popcnt")))

namespace vigil::url::detail {
namespace {

bool has_avx2() {
    static const bool avx2 = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
    }();
    return avx2;
}

VIGIL_AVX2 size_t find_any_avx2(const char* p, size_t n, char a, char b, char c, char d) {
    const __m256i va = _mm256_set1_epi8(a), vb = _mm256_set1_epi8(b), vc = _mm256_set1_epi8(c),
                  vd = _mm256_set1_epi8(d);
    for (size_t i = 0; i < n; i += 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
        const __m256i hit = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, va), _mm256_cmpeq_epi8(v, vb)),
                                            _mm256_or_si256(_mm256_cmpeq_epi8(v, vc), _mm256_cmpeq_epi8(v, vd)));
        if (const auto m = static_cast<uint32_t>(_mm256_movemask_epi8(hit)); m != 0) {
            return std::min(n, i + static_cast<size_t>(std::countr_zero(m)));
        }
    }
    return n;
}

VIGIL_AVX2 size_t find_last_avx2(const char* p, size_t n, char c) {
    const __m256i vc = _mm256_set1_epi8(c);
    size_t last = SIZE_MAX;
    for (size_t i = 0; i < n; i += 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
        uint32_t m = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vc)));
        if (n - i < 32) m &= (1u << (n - i)) - 1;
        if (m != 0) last = i + 31 - static_cast<size_t>(std::countl_zero(m));
    }
    return last;
}

// Membership of 32 bytes in a ByteSet with two nibble lookups: the set's bits by low nibble, ANDed with
// the bit of the high nibble (none for bytes >= 0x80, never members).
struct ByteSetTest {
    __m256i by_low, high_bit, nibble;
    VIGIL_AVX2 explicit ByteSetTest(const ByteSet& set)
        : by_low(
              _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(set.by_low_nibble.data())))),
          high_bit(_mm256_setr_epi8(1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                    1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0)),
          nibble(_mm256_set1_epi8(0x0F)) {}
    // Bit i set when byte i of v is outside the set.
    VIGIL_AVX2 uint32_t outside(__m256i v) const {
        const __m256i low = _mm256_shuffle_epi8(by_low, _mm256_and_si256(v, nibble));
        const __m256i high = _mm256_shuffle_epi8(high_bit, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
        return static_cast<uint32_t>(
            _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(low, high), _mm256_setzero_si256())));
    }
};

VIGIL_AVX2 size_t find_not_in_avx2(const char* p, size_t n, const ByteSet& set) {
    const ByteSetTest test(set);
    for (size_t i = 0; i < n; i += 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
        if (const uint32_t m = test.outside(v); m != 0) {
            return std::min(n, i + static_cast<size_t>(std::countr_zero(m)));
        }
    }
    return n;
}

VIGIL_AVX2 PlainHost check_plain_host_avx2(const char* p, size_t n, const ByteSet& set) {
    const ByteSetTest test(set);
    const __m256i dot = _mm256_set1_epi8('.');
    PlainHost out{true, false};
    for (size_t i = 0; i < n; i += 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
        const __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
        uint32_t outside = test.outside(v);
        uint32_t pairs = static_cast<uint32_t>(
            _mm256_movemask_epi8(_mm256_and_si256(_mm256_cmpeq_epi8(v, dot), _mm256_cmpeq_epi8(next, dot))));
        uint32_t x = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('x'))));
        const size_t left = n - i;
        if (left < 32) {
            outside &= (1u << left) - 1;
            x &= (1u << left) - 1;
        }
        if (left <= 32) pairs &= (1u << (left - 1)) - 1;  // a pair needs its second byte inside
        if ((outside | pairs) != 0) return {};
        out.has_x = out.has_x || x != 0;
    }
    return out;
}

}  // namespace

PlainHost check_plain_host_scalar(const char* p, size_t n, const ByteSet& set) {
    PlainHost out{true, false};
    for (size_t i = 0; i < n; ++i) {
        if (!set.member[static_cast<unsigned char>(p[i])] || (i + 1 < n && p[i] == '.' && p[i + 1] == '.')) return {};
        out.has_x = out.has_x || p[i] == 'x';
    }
    return out;
}

PlainHost check_plain_host(const char* p, size_t n, const ByteSet& set) {
    return has_avx2() ? check_plain_host_avx2(p, n, set) : check_plain_host_scalar(p, n, set);
}

size_t find_any_scalar(const char* p, size_t n, char a, char b, char c, char d) {
    for (size_t i = 0; i < n; ++i) {
        if (p[i] == a || p[i] == b || p[i] == c || p[i] == d) return i;
    }
    return n;
}

size_t find_last_scalar(const char* p, size_t n, char c) {
    for (size_t i = n; i-- > 0;) {
        if (p[i] == c) return i;
    }
    return SIZE_MAX;
}

size_t find_not_in_scalar(const char* p, size_t n, const ByteSet& set) {
    for (size_t i = 0; i < n; ++i) {
        if (!set.member[static_cast<unsigned char>(p[i])]) return i;
    }
    return n;
}

size_t find_any(const char* p, size_t n, char a, char b, char c, char d) {
    return has_avx2() ? find_any_avx2(p, n, a, b, c, d) : find_any_scalar(p, n, a, b, c, d);
}

size_t find_last(const char* p, size_t n, char c) {
    return has_avx2() ? find_last_avx2(p, n, c) : find_last_scalar(p, n, c);
}

size_t find_not_in(const char* p, size_t n, const ByteSet& set) {
    return has_avx2() ? find_not_in_avx2(p, n, set) : find_not_in_scalar(p, n, set);
}

}  // namespace vigil::url::detail
