#pragma once
// Byte searches of parse(), 32 bytes per step with AVX2 when the CPU has it (checked per call;
// only these functions are compiled for AVX2, through target attributes, the build has no
// -mavx2), else byte by byte. They read up to kSearchPadding bytes past p + n, so parse()
// searches a padded copy of its input. Results never depend on those bytes.
#include <array>
#include <cstddef>
#include <cstdint>

namespace vigil::url::detail {

inline constexpr size_t kSearchPadding = 32;

// A set of ASCII bytes, with the nibble tables of the vector membership test.
struct ByteSet {
    std::array<bool, 256> member{};
    std::array<uint8_t, 16> by_low_nibble{};  // bit h: the byte (h << 4 | low) is a member (h < 8)
};
template <class Pred>
constexpr ByteSet make_byte_set(Pred member) {
    ByteSet s;
    for (int c = 0; c < 0x80; ++c) {
        if (!member(static_cast<char>(c))) continue;
        s.member[c] = true;
        s.by_low_nibble[c & 0xF] = static_cast<uint8_t>(s.by_low_nibble[c & 0xF] | (1u << (c >> 4)));
    }
    return s;
}

// First index in [0, n) whose byte is a, b, c or d; n when none.
size_t find_any(const char* p, size_t n, char a, char b, char c, char d);
// Last index in [0, n) whose byte is c; SIZE_MAX when none.
size_t find_last(const char* p, size_t n, char c);
// First index in [0, n) whose byte is not in `set`; n when all are.
size_t find_not_in(const char* p, size_t n, const ByteSet& set);

// Whether p[0, n) is a host already in canonical form for parse()'s fast path: only bytes of
// `set`, no ".." (the caller checks the first and last bytes), and whether it has an 'x' (a
// "xn--" label needs one).
struct PlainHost {
    bool plain = false;
    bool has_x = false;
};
PlainHost check_plain_host(const char* p, size_t n, const ByteSet& set);

// The byte-by-byte versions (the fallback, and the reference in tests).
size_t find_any_scalar(const char* p, size_t n, char a, char b, char c, char d);
size_t find_last_scalar(const char* p, size_t n, char c);
size_t find_not_in_scalar(const char* p, size_t n, const ByteSet& set);
PlainHost check_plain_host_scalar(const char* p, size_t n, const ByteSet& set);

}  // namespace vigil::url::detail
