#include "vigil/api/json_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace vigil::api {
namespace {

// Length of a valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
    }
    if (len == 2 && c < 0xC2) return 0;  // overlong
    if (len == 3) {
        unsigned char c1 = byte(i + 1);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return 0;  // overlong / surrogate
    }
    if (len == 4) {
        unsigned char c1 = byte(i + 1);
        if ((c == 0xF0 && c1 < 0x90) || c > 0xF4 || (c == 0xF4 && c1 >= 0x90)) return 0;
    }
    return len;
}

// True for bytes that are copied as they are: printable ASCII other than '"' and '\\'.
constexpr bool is_plain(unsigned char b) { return b >= 0x20 && b < 0x80 && b != '"' && b != '\\'; }

// Eight bytes per step: a word holds only plain bytes when none is below 0x20, at or above 0x80, '"'
// or '\\' (the classic has-zero-byte / has-less-than bit tricks). ~2 instructions per byte instead of ~10.
size_t plain_prefix(std::string_view s) {
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    constexpr uint64_t kHigh = 0x8080808080808080ull;
    auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        const uint64_t special = ((w - kOnes * 0x20) & ~w) | w | has_zero(w ^ (kOnes * '"')) |
                                 has_zero(w ^ (kOnes * '\\'));
        if ((special & kHigh) != 0) break;
    }
    while (i < s.size() && is_plain(static_cast<unsigned char>(s[i]))) ++i;
    return i;
}

}  // namespace

char* write_json_string(char* p, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    *p++ = '"';
    size_t i = 0;
    while (true) {
        const size_t run = plain_prefix(s.substr(i));
        if (run > 0) std::memcpy(p, s.data() + i, run);  // an empty view may hold a null pointer
        p += run;
        i += run;
        if (i == s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        const char* escape = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : nullptr;
        if (escape != nullptr) {
            std::memcpy(p, escape, 2);
            p += 2;
            ++i;
        } else if (c < 0x20) {
            std::memcpy(p, "\\u00", 4);
            p[4] = kHex[c >> 4];
            p[5] = kHex[c & 0xF];
            p += 6;
            ++i;
        } else if (const size_t len = utf8_sequence_length(s, i); len == 0) {
            std::memcpy(p, "\xEF\xBF\xBD", 3);  // U+FFFD keeps the document valid UTF-8
            p += 3;
            ++i;
        } else {
            std::memcpy(p, s.data() + i, len);
            p += len;
            i += len;
        }
    }
    *p++ = '"';
    return p;
}

namespace {

// %.6g for the numbers a verdict holds (|d| in [1e-4, 1e6), where %g writes fixed notation): scale to
// six digits with one exactly-rounded multiplication by a power of ten, round, and place the point.
// Returns nullptr when the scaled value is within 1e-6 of a rounding tie (the multiplication's error
// could then flip the last digit) or the notation would be scientific; the caller then uses
// std::to_chars, so the output is always exactly what std::to_chars writes (tested on random values).
char* write_six_digits_fixed(char* p, double d) {
    static constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    static constexpr double kDecade[] = {1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5};  // 10^(e10)
    const double a = std::fabs(d);
    if (!(a >= 1e-4 && a < 1e6)) return nullptr;
    int e10 = 5;  // floor(log10(a)), found by comparison
    while (e10 > -4 && a < kDecade[e10 + 4]) --e10;
    const double scaled = a * kPow10[5 - e10];  // 10^k is exact for k <= 22: one rounding
    if (!(scaled >= 1e5 && scaled < 1e6)) return nullptr;
    const double floor_scaled = std::floor(scaled);
    const double fraction = scaled - floor_scaled;
    if (std::fabs(fraction - 0.5) < 1e-6) return nullptr;
    auto n = static_cast<uint32_t>(floor_scaled) + (fraction > 0.5 ? 1u : 0u);
    if (n == 1000000) {
        n = 100000;
        ++e10;
        if (e10 >= 6) return nullptr;
    }
    char digits[6];
    for (int i = 5; i >= 0; --i) {
        digits[i] = static_cast<char>('0' + n % 10);
        n /= 10;
    }
    int last = 5;  // trailing zeros of the fraction are dropped, as %g does
    const int point = e10 + 1;  // digits before the decimal point (<= 0: "0." and zeros first)
    while (last >= std::max(point, 1) && digits[last] == '0') --last;
    if (d < 0) *p++ = '-';
    if (point <= 0) {
        *p++ = '0';
        *p++ = '.';
        for (int i = point; i < 0; ++i) *p++ = '0';
        for (int i = 0; i <= last; ++i) *p++ = digits[i];
        return p;
    }
    for (int i = 0; i < point; ++i) *p++ = digits[i];
    if (last >= point) {
        *p++ = '.';
        for (int i = point; i <= last; ++i) *p++ = digits[i];
    }
    return p;
}

}  // namespace

char* write_json_number(char* p, double d) {
    if (!std::isfinite(d)) {
        std::memcpy(p, "null", 4);
        return p + 4;
    }
    if (d == std::trunc(d) && std::fabs(d) < 1e6) {
        // Counts and flags (most feature values): the integer, as the general format writes it.
        return std::to_chars(p, p + kMaxJsonNumberBytes, static_cast<int64_t>(d)).ptr;
    }
    // std::to_chars with a precision costs ~300 instructions; a verdict has ~15 numbers.
    if (char* end = write_six_digits_fixed(p, d)) return end;
    return std::to_chars(p, p + kMaxJsonNumberBytes, d, std::chars_format::general, 6).ptr;
}

char* write_json_integer(char* p, int64_t i) { return std::to_chars(p, p + kMaxJsonNumberBytes, i).ptr; }

// The output grows by an upper bound, is written through a pointer and is cut back: one capacity
// check and no per-piece append calls.
void append_json_string(std::string& out, std::string_view s, std::string_view prefix, std::string_view suffix) {
    const size_t old = out.size();
    out.resize(old + prefix.size() + json_string_bound(s) + suffix.size());
    char* p = out.data() + old;
    if (!prefix.empty()) std::memcpy(p, prefix.data(), prefix.size());
    p = write_json_string(p + prefix.size(), s);
    if (!suffix.empty()) std::memcpy(p, suffix.data(), suffix.size());
    out.resize(static_cast<size_t>(p + suffix.size() - out.data()));
}

void append_json_string(std::string& out, std::string_view s) { append_json_string(out, s, {}, {}); }

void JsonWriter::separate() {
    if (need_comma_) out_.push_back(',');
}

JsonWriter& JsonWriter::begin_object() {
    separate();
    out_.push_back('{');
    need_comma_ = false;
    return *this;
}
JsonWriter& JsonWriter::end_object() {
    out_.push_back('}');
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::begin_array() {
    separate();
    out_.push_back('[');
    need_comma_ = false;
    return *this;
}
JsonWriter& JsonWriter::end_array() {
    out_.push_back(']');
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
    append_json_string(out_, k, need_comma_ ? std::string_view(",") : std::string_view(), ":");
    need_comma_ = false;
    return *this;
}
JsonWriter& JsonWriter::value(std::string_view s) {
    append_json_string(out_, s, need_comma_ ? std::string_view(",") : std::string_view(), {});
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::value(double d) {
    char buf[1 + kMaxJsonNumberBytes];
    char* p = buf;
    if (need_comma_) *p++ = ',';
    p = write_json_number(p, d);
    out_.append(buf, static_cast<size_t>(p - buf));
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::value(int64_t i) { return integer(i); }
JsonWriter& JsonWriter::value(uint64_t i) { return integer(i); }

template <class Int>
JsonWriter& JsonWriter::integer(Int i) {
    char buf[24];
    char* p = buf;
    if (need_comma_) *p++ = ',';
    p = std::to_chars(p, buf + sizeof buf, i).ptr;
    out_.append(buf, static_cast<size_t>(p - buf));
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::value(bool b) {
    out_ += need_comma_ ? (b ? ",true" : ",false") : (b ? "true" : "false");
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::null() {
    separate();
    out_ += "null";
    need_comma_ = true;
    return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
    separate();
    out_.append(json);
    need_comma_ = true;
    return *this;
}

}  // namespace vigil::api
