// AVX2 byte scan: 64 bytes of U per step. Byte classes come from signed compares and movemask
// into 64-bit masks; counts are popcounts of masks cut to a region; runs (repeats, digits, hex
// tokens, alphanumeric tokens, host labels, consonants) are read from the masks with bit tricks,
// carrying the run that crosses into the next 64 bytes. Only this file's functions are compiled
// for AVX2 (target attribute), and they run only when byte_scan_avx2_supported().
#include <immintrin.h>

#include <algorithm>
#include <bit>

#include "vigil/features/byte_scan.hpp"

#define VIGIL_AVX2 __attribute__((target("avx2,bmi,bmi2,popcnt")))
#define VIGIL_AVX2_INLINE __attribute__((target("avx2,bmi,bmi2,popcnt"), always_inline)) inline

namespace vigil::features {
namespace {

// Bits [a, b) of U as seen by the 64-bit word that starts at offset `base`.
VIGIL_AVX2_INLINE uint64_t region_bits(size_t base, size_t a, size_t b) {
    const size_t lo = a > base ? std::min<size_t>(a - base, 64) : 0;
    const size_t hi = b > base ? std::min<size_t>(b - base, 64) : 0;
    if (hi <= lo) return 0;
    return _bzhi_u64(~0ULL, static_cast<unsigned>(hi)) & ~_bzhi_u64(~0ULL, static_cast<unsigned>(lo));
}

VIGIL_AVX2_INLINE unsigned popcount(uint64_t m) { return static_cast<unsigned>(_mm_popcnt_u64(m)); }

// Longest run of set bits over consecutive words.
struct LongestRun {
    uint64_t carry = 0;  // length of the run reaching the top of the words so far
    uint64_t best = 0;
    VIGIL_AVX2_INLINE void add(uint64_t m) {
        if (m == ~0ULL) {
            carry += 64;
            return;
        }
        best = std::max<uint64_t>(best, carry + static_cast<uint64_t>(std::countr_one(m)));
        carry = static_cast<uint64_t>(std::countl_one(m));
        // Longest run inside the word: each step shortens every run by one. Only when a run longer
        // than `best` could be there.
        if (popcount(m) <= best) return;
        uint64_t x = m;
        for (uint64_t k = 0; k < best && x != 0; ++k) x &= x >> 1;
        uint64_t k = best;
        while (x != 0) {
            x &= x >> 1;
            ++k;
        }
        best = k;
    }
    VIGIL_AVX2_INLINE uint32_t finish() const { return static_cast<uint32_t>(std::max(best, carry)); }
};

// Number of maximal runs of set bits at least 16 long.
struct LongRuns {
    uint64_t carry = 0;
    uint64_t count = 0;
    VIGIL_AVX2_INLINE void add(uint64_t m) {
        if (m == ~0ULL) {
            carry += 64;
            return;
        }
        const auto lead = static_cast<unsigned>(std::countr_one(m));
        const auto top = static_cast<unsigned>(std::countl_one(m));
        count += carry + lead >= 16;
        // Runs that neither continue the previous word's nor reach the next word.
        uint64_t inner = m & ~_bzhi_u64(~0ULL, lead);
        inner &= _bzhi_u64(~0ULL, 64 - top);
        uint64_t e = inner & (inner >> 1);  // bit i: bits i..i+1 set
        e &= e >> 2;
        e &= e >> 4;
        e &= e >> 8;  // bits i..i+15 set
        count += popcount(e & inner & ~(inner << 1));
        carry = top;
    }
    VIGIL_AVX2_INLINE uint32_t finish() const { return static_cast<uint32_t>(count + (carry >= 16)); }
};

// Per-byte masks of 32 bytes.
struct Masks32 {
    uint32_t digit, letter, upper, hex, non_ascii, vowel, consonant, repeat, embedded, x, semicolon;
    std::array<uint32_t, kCountedBytes.size()> counted;
};

VIGIL_AVX2_INLINE __m256i in_range(__m256i v, char lo, char hi) {
    return _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(static_cast<char>(lo - 1))),
                            _mm256_cmpgt_epi8(_mm256_set1_epi8(static_cast<char>(hi + 1)), v));
}
VIGIL_AVX2_INLINE __m256i eq(__m256i v, char c) { return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c)); }
VIGIL_AVX2_INLINE uint32_t bits(__m256i v) { return static_cast<uint32_t>(_mm256_movemask_epi8(v)); }

VIGIL_AVX2_INLINE __m256i load(const char* q) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)); }

VIGIL_AVX2_INLINE void classify(const char* p, Masks32& m) {
    const __m256i v = load(p);
    const __m256i folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));  // ASCII letters to lower case
    const __m256i digit = in_range(v, '0', '9');
    const __m256i lower = in_range(v, 'a', 'z');
    const __m256i upper = in_range(v, 'A', 'Z');
    m.digit = bits(digit);
    m.letter = bits(_mm256_or_si256(lower, upper));
    m.upper = bits(upper);
    m.hex = bits(_mm256_or_si256(digit, in_range(folded, 'a', 'f')));
    m.non_ascii = bits(v);
    // Vowels of either case; consonants are lower-case letters other than aeiouy.
    const __m256i vowel = _mm256_or_si256(_mm256_or_si256(_mm256_or_si256(eq(folded, 'a'), eq(folded, 'e')),
                                                          _mm256_or_si256(eq(folded, 'i'), eq(folded, 'o'))),
                                          eq(folded, 'u'));
    m.vowel = bits(vowel);
    m.consonant = bits(_mm256_andnot_si256(_mm256_or_si256(vowel, eq(v, 'y')), lower));
    m.semicolon = bits(eq(v, ';'));
    m.repeat = bits(_mm256_cmpeq_epi8(v, load(p - 1)));
    for (size_t k = 0; k < kCountedBytes.size(); ++k) m.counted[k] = bits(eq(v, kCountedBytes[k]));
    // "http" and "www." (any case) starting here.
    const __m256i f1 = _mm256_or_si256(load(p + 1), _mm256_set1_epi8(0x20));
    const __m256i f2 = _mm256_or_si256(load(p + 2), _mm256_set1_epi8(0x20));
    const __m256i v3 = load(p + 3);
    const __m256i http =
        _mm256_and_si256(_mm256_and_si256(eq(folded, 'h'), eq(f1, 't')),
                         _mm256_and_si256(eq(f2, 't'), eq(_mm256_or_si256(v3, _mm256_set1_epi8(0x20)), 'p')));
    const __m256i www =
        _mm256_and_si256(_mm256_and_si256(eq(folded, 'w'), eq(f1, 'w')), _mm256_and_si256(eq(f2, 'w'), eq(v3, '.')));
    m.embedded = bits(_mm256_or_si256(http, www));
    m.x = bits(eq(v, 'x'));
}

VIGIL_AVX2_INLINE uint64_t join(uint32_t lo, uint32_t hi) { return uint64_t{lo} | (uint64_t{hi} << 32); }

}  // namespace

VIGIL_AVX2 void scan_bytes_avx2(const char* u, size_t n, const ByteRegions& r, ByteScan& out, ByteMasks masks) {
    out = ByteScan{};
    LongestRun repeat, digit_run, pq_token, host_label, consonants;
    LongRuns hex_tokens;
    uint64_t slash_carry = 0;  // the previous word's last byte was '/'
    uint64_t dot_carry = 0;    // ... was '.'
    constexpr size_t kDot = 0, kHyphen = 1, kSlash = 3, kEquals = 5, kAmpersand = 6, kPercent = 9;
    for (size_t base = 0; base < n; base += 64) {
        Masks32 a, b;
        classify(u + base, a);
        classify(u + base + 32, b);
        const uint64_t valid = n - base >= 64 ? ~0ULL : _bzhi_u64(~0ULL, static_cast<unsigned>(n - base));
        const uint64_t digit = join(a.digit, b.digit) & valid;
        const uint64_t letter = join(a.letter, b.letter) & valid;
        masks.alnum[base / 64] = digit | letter;
        out.digits += popcount(digit);
        out.letters += popcount(letter);
        out.upper += popcount(join(a.upper, b.upper) & valid);
        out.non_ascii += popcount(join(a.non_ascii, b.non_ascii) & valid);
        std::array<uint64_t, kCountedBytes.size()> counted;
        for (size_t k = 0; k < kCountedBytes.size(); ++k) {
            counted[k] = join(a.counted[k], b.counted[k]) & valid;
            out.counted[k] += popcount(counted[k]);
        }
        // Percent escapes are rare: check each one as the scalar code does.
        for (uint64_t pct = counted[kPercent]; pct != 0; pct &= pct - 1) {
            const size_t i = base + static_cast<size_t>(std::countr_zero(pct));
            const auto hex = [](char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); };
            out.non_ascii += i + 2 < n && hex(u[i + 1]) && hex(u[i + 2]) && u[i + 1] >= '8';
        }
        uint64_t repeats = join(a.repeat, b.repeat) & valid;
        if (base == 0) repeats &= ~1ULL;  // the first byte follows nothing
        repeat.add(repeats);
        digit_run.add(digit);
        hex_tokens.add(join(a.hex, b.hex) & valid);

        const uint64_t pq = region_bits(base, r.pq_begin, n);
        const uint64_t slash = counted[kSlash];
        const uint64_t after_slash = (slash << 1) | slash_carry;
        slash_carry = slash >> 63;
        if (pq != 0) {
            pq_token.add((digit | letter) & pq);
            const uint64_t path = region_bits(base, r.pq_begin, r.path_end);
            out.double_slash += popcount(slash & after_slash & path & ~region_bits(base, r.pq_begin, r.pq_begin + 1));
            out.path_depth += popcount(~slash & (after_slash | region_bits(base, r.pq_begin, r.pq_begin + 1)) & path);
            out.embedded_urls += popcount(join(a.embedded, b.embedded) & pq);
        }

        const uint64_t dot = counted[kDot];
        masks.dot[base / 64] = dot;
        masks.separator[base / 64] = counted[kAmpersand] | (join(a.semicolon, b.semicolon) & valid);
        masks.equals[base / 64] = counted[kEquals];
        const uint64_t after_dot = (dot << 1) | dot_carry;
        dot_carry = dot >> 63;
        const uint64_t host = region_bits(base, r.host_begin, r.host_end);
        if (host != 0) {
            out.host_dots += popcount(dot & host);
            out.host_hyphens += popcount(counted[kHyphen] & host);
            out.host_digits += popcount(digit & host);
            host_label.add(~dot & host);
            consonants.add(join(a.consonant, b.consonant) & host);
            // "xn--" at a label start (rare: check each 'x' there).
            const uint64_t starts = (after_dot | region_bits(base, r.host_begin, r.host_begin + 1)) & host;
            for (uint64_t x = join(a.x, b.x) & starts; x != 0; x &= x - 1) {
                const size_t i = base + static_cast<size_t>(std::countr_zero(x));
                out.punycode_labels += i + 3 < r.host_end && u[i + 1] == 'n' && u[i + 2] == '-' && u[i + 3] == '-';
            }
            if (const uint64_t label = region_bits(base, r.label_begin, r.label_end); label != 0) {
                out.label_vowels += popcount(join(a.vowel, b.vowel) & label);
                out.label_letters += popcount(letter & label);
                out.label_digits += popcount(digit & label);
                out.label_hyphens += popcount(counted[kHyphen] & label);
            }
        } else {
            // Runs stop where the region stops.
            host_label.add(0);
            consonants.add(0);
        }
        if (pq == 0) pq_token.add(0);
    }
    out.max_repeat = n == 0 ? 0 : repeat.finish() + 1;
    out.max_digit_run = digit_run.finish();
    out.hex_tokens = hex_tokens.finish();
    out.longest_pq_token = pq_token.finish();
    out.longest_host_label = host_label.finish();
    out.host_max_consonant_run = consonants.finish();
}

bool byte_scan_avx2_supported() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("popcnt");
}

}  // namespace vigil::features
