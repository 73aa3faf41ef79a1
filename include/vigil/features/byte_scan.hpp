#pragma once
// The byte-level part of UrlFeatureExtractor: one classification pass over U ("the URL without
// scheme", docs/features.md) that yields class counts, runs and the host / path signals. Two
// implementations compute the same ByteScan: the scalar reference and an AVX2 one (64 bytes per
// step: compares, movemask, popcount, runs from the masks with bit tricks), chosen at run time
// when the CPU has AVX2 and BMI2. The build does not use -mavx2; only these functions are
// compiled for it.
#include <array>
#include <cstddef>
#include <cstdint>

namespace vigil::features {

// Offsets into U: host [host_begin, host_end), path [pq_begin, path_end), then "?query" to the end.
struct ByteRegions {
    size_t host_begin = 0;
    size_t host_end = 0;
    size_t pq_begin = 0;
    size_t path_end = 0;
    size_t label_begin = 0;  // the registrable label (inside the host)
    size_t label_end = 0;
};

// Bytes counted one by one, in this order: . - _ / ? = & @ ~ % +
inline constexpr std::array<char, 11> kCountedBytes = {'.', '-', '_', '/', '?', '=', '&', '@', '~', '%', '+'};

struct ByteScan {
    uint32_t digits = 0, letters = 0, upper = 0;
    uint32_t non_ascii = 0;  // bytes >= 0x80 plus "%XX" escapes with XX >= 0x80
    std::array<uint32_t, kCountedBytes.size()> counted{};
    uint32_t max_repeat = 0;     // longest run of one repeated byte
    uint32_t max_digit_run = 0;  // longest run of ASCII digits
    uint32_t hex_tokens = 0;     // maximal runs of >= 16 hex digits
    // From pq_begin on.
    uint32_t longest_pq_token = 0;  // longest alphanumeric run
    uint32_t double_slash = 0;      // "//" inside the path
    uint32_t path_depth = 0;        // non-empty path segments
    uint32_t embedded_urls = 0;     // "http" / "www." (any case)
    // Host only.
    uint32_t host_dots = 0, host_hyphens = 0, host_digits = 0;
    uint32_t longest_host_label = 0;
    uint32_t host_max_consonant_run = 0;  // lower-case consonants (not aeiouy)
    uint32_t punycode_labels = 0;         // labels starting "xn--"
    // Registrable label only.
    uint32_t label_vowels = 0, label_letters = 0, label_digits = 0, label_hyphens = 0;

    bool operator==(const ByteScan&) const = default;
};

// Per-byte bit masks of U kept for later scans (bit i of word i / 64 is byte i; bits past n are 0):
// ASCII letters and digits (tokens), dots, query separators ('&' or ';') and '='. Each needs
// byte_mask_words(n) words.
struct ByteMasks {
    uint64_t* alnum = nullptr;
    uint64_t* dot = nullptr;
    uint64_t* separator = nullptr;
    uint64_t* equals = nullptr;
};
inline constexpr size_t byte_mask_words(size_t n) { return (n + 63) / 64; }

// Both read u[0, n). The AVX2 one also reads u[-1] and u[n, n + kByteScanPadding), which must be
// readable, the latter zero.
inline constexpr size_t kByteScanPadding = 96;
using ScanBytesFn = void (*)(const char* u, size_t n, const ByteRegions& regions, ByteScan& out, ByteMasks masks);
void scan_bytes_scalar(const char* u, size_t n, const ByteRegions& regions, ByteScan& out, ByteMasks masks);
void scan_bytes_avx2(const char* u, size_t n, const ByteRegions& regions, ByteScan& out, ByteMasks masks);
// This CPU runs scan_bytes_avx2 (AVX2, BMI1/2, POPCNT).
bool byte_scan_avx2_supported();
// scan_bytes_avx2 when supported, else scan_bytes_scalar.
ScanBytesFn best_scan_bytes();

}  // namespace vigil::features
