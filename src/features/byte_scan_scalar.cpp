// Scalar reference of the byte scan (the fallback without AVX2, and the oracle of its test).
#include <algorithm>

#include "byte_classes.hpp"
#include "vigil/features/byte_scan.hpp"

namespace vigil::features {
namespace {

using namespace detail;

// Per byte, increments of four 16-bit counters: digit, letter, upper-case, non-ASCII (U < 64 KiB).
constexpr std::array<uint64_t, 256> make_packed_counts() {
    std::array<uint64_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        const uint8_t cls = kClass[c];
        t[c] = ((cls & kDigit) ? 1ULL : 0) | ((cls & (kLower | kUpper)) ? 1ULL << 16 : 0) |
               ((cls & kUpper) ? 1ULL << 32 : 0) | (c >= 0x80 ? 1ULL << 48 : 0);
    }
    return t;
}
constexpr std::array<uint64_t, 256> kPackedCount = make_packed_counts();

// Byte -> its index in kCountedBytes, or kCountedBytes.size() (a dummy slot).
constexpr std::array<uint8_t, 256> make_counted_index() {
    std::array<uint8_t, 256> t{};
    for (auto& v : t) v = kCountedBytes.size();
    for (size_t k = 0; k < kCountedBytes.size(); ++k)
        t[static_cast<unsigned char>(kCountedBytes[k])] = static_cast<uint8_t>(k);
    return t;
}
constexpr std::array<uint8_t, 256> kCountedIndex = make_counted_index();

}  // namespace

void scan_bytes_scalar(const char* u, size_t n, const ByteRegions& r, ByteScan& out, ByteMasks masks) {
    out = ByteScan{};
    for (size_t w = 0; w < byte_mask_words(n); ++w)
        masks.alnum[w] = masks.dot[w] = masks.separator[w] = masks.equals[w] = 0;
    for (size_t i = 0; i < n; ++i) {
        masks.alnum[i / 64] |= uint64_t{is_alnum(u[i])} << (i % 64);
        masks.dot[i / 64] |= uint64_t{u[i] == '.'} << (i % 64);
        masks.separator[i / 64] |= uint64_t{u[i] == '&' || u[i] == ';'} << (i % 64);
        masks.equals[i / 64] |= uint64_t{u[i] == '='} << (i % 64);
    }
    std::array<uint32_t, kCountedBytes.size() + 1> counted{};
    uint64_t packed = 0;
    size_t hex_tokens = 0, repeat_run = 0, max_repeat = 0, hex_run = 0, digit_run = 0, max_digit_run = 0;
    size_t encoded_non_ascii = 0, alnum_run = 0, longest_pq_token = 0, double_slash = 0, embedded = 0, depth = 0;
    int prev = -1;  // the byte before, -1 at the start
    // What every byte of U updates; the loop is split at the path so that bytes before it skip
    // the path/query tests.
    auto every_byte = [&](size_t i, unsigned char c, uint8_t cls) __attribute__((always_inline)) {
        packed += kPackedCount[c];
        ++counted[kCountedIndex[c]];
        repeat_run = c == prev ? repeat_run + 1 : 1;
        max_repeat = std::max(max_repeat, repeat_run);
        prev = c;
        digit_run = (cls & kDigit) ? digit_run + 1 : 0;
        max_digit_run = std::max(max_digit_run, digit_run);
        if (cls & (kDigit | kHexLetter)) {
            ++hex_run;
        } else {
            hex_tokens += hex_run >= 16;
            hex_run = 0;
        }
        if (c == '%') {  // percent-encoded non-ASCII bytes ("%C3%A9") count as non-ASCII too
            encoded_non_ascii += i + 2 < n && is_hex(u[i + 1]) && is_hex(u[i + 2]) && u[i + 1] >= '8';
        }
    };
    size_t i = 0;
    for (; i < r.pq_begin && i < n; ++i) {
        const auto c = static_cast<unsigned char>(u[i]);
        every_byte(i, c, kClass[c]);
    }
    for (; i < n; ++i) {
        const auto c = static_cast<unsigned char>(u[i]);
        const uint8_t cls = kClass[c];
        const int before = prev;
        every_byte(i, c, cls);
        alnum_run = (cls & (kDigit | kLower | kUpper)) ? alnum_run + 1 : 0;
        longest_pq_token = std::max(longest_pq_token, alnum_run);
        if (c == '/') {
            double_slash += i < r.path_end && i > r.pq_begin && before == '/';
        } else {
            // Path depth: segments that start in the path (after a '/' or at its start).
            depth += i < r.path_end && (i == r.pq_begin || before == '/');
            if ((c | 0x20) == 'h' && i + 3 < n) {
                embedded += (u[i + 1] | 0x20) == 't' && (u[i + 2] | 0x20) == 't' && (u[i + 3] | 0x20) == 'p';
            } else if ((c | 0x20) == 'w' && i + 3 < n) {
                embedded += (u[i + 1] | 0x20) == 'w' && (u[i + 2] | 0x20) == 'w' && u[i + 3] == '.';
            }
        }
    }
    hex_tokens += hex_run >= 16;
    out.digits = static_cast<uint32_t>(packed & 0xFFFF);
    out.letters = static_cast<uint32_t>((packed >> 16) & 0xFFFF);
    out.upper = static_cast<uint32_t>((packed >> 32) & 0xFFFF);
    out.non_ascii = static_cast<uint32_t>(((packed >> 48) & 0xFFFF) + encoded_non_ascii);
    std::copy_n(counted.begin(), kCountedBytes.size(), out.counted.begin());
    out.max_repeat = static_cast<uint32_t>(max_repeat);
    out.max_digit_run = static_cast<uint32_t>(max_digit_run);
    out.hex_tokens = static_cast<uint32_t>(hex_tokens);
    out.longest_pq_token = static_cast<uint32_t>(longest_pq_token);
    out.double_slash = static_cast<uint32_t>(double_slash);
    out.path_depth = static_cast<uint32_t>(depth);
    out.embedded_urls = static_cast<uint32_t>(embedded);

    // The host: separators, digits, labels, consonant runs, punycode labels.
    const char* host = u + std::min(r.host_begin, n);
    const size_t host_size = std::min(r.host_end, n) - std::min(r.host_begin, std::min(r.host_end, n));
    size_t label_run = 0, longest_label = 0, cons = 0, best_cons = 0;
    for (size_t k = 0; k < host_size; ++k) {
        const char c = host[k];
        const uint8_t cls = kClass[static_cast<unsigned char>(c)];
        out.host_dots += c == '.';
        out.host_hyphens += c == '-';
        out.host_digits += (cls & kDigit) != 0;
        label_run = c == '.' ? 0 : label_run + 1;
        longest_label = std::max(longest_label, label_run);
        cons = ((cls & kLower) && !(cls & kVowel) && c != 'y') ? cons + 1 : 0;
        best_cons = std::max(best_cons, cons);
        out.punycode_labels += label_run == 1 && c == 'x' && k + 3 < host_size && host[k + 1] == 'n' &&
                               host[k + 2] == '-' && host[k + 3] == '-';
    }
    out.longest_host_label = static_cast<uint32_t>(longest_label);
    for (size_t k = std::min(r.label_begin, n); k < std::min(r.label_end, n); ++k) {
        const uint8_t cls = kClass[static_cast<unsigned char>(u[k])];
        out.label_vowels += (cls & kVowel) != 0;
        out.label_letters += (cls & (kLower | kUpper)) != 0;
        out.label_digits += (cls & kDigit) != 0;
        out.label_hyphens += u[k] == '-';
    }
    out.host_max_consonant_run = static_cast<uint32_t>(best_cons);
}

ScanBytesFn best_scan_bytes() { return byte_scan_avx2_supported() ? &scan_bytes_avx2 : &scan_bytes_scalar; }

}  // namespace vigil::features
