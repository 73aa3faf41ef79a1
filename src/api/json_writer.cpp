#include "vigil/api/json_writer.hpp"

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

void append_escaped_tail(std::string& out, std::string_view s, size_t i) {
    static constexpr char kHex[] = "0123456789abcdef";
    while (i < s.size()) {
        const size_t run_start = i;
        while (i < s.size() && is_plain(static_cast<unsigned char>(s[i]))) ++i;
        if (i != run_start) out.append(s.data() + run_start, i - run_start);
        if (i == s.size()) break;
        unsigned char c = static_cast<unsigned char>(s[i]);
        switch (c) {
            case '"': out += "\\\""; ++i; continue;
            case '\\': out += "\\\\"; ++i; continue;
            case '\n': out += "\\n"; ++i; continue;
            case '\r': out += "\\r"; ++i; continue;
            case '\t': out += "\\t"; ++i; continue;
            default: break;
        }
        if (c < 0x20) {
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
            ++i;
            continue;
        }
        size_t len = utf8_sequence_length(s, i);
        if (len == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD keeps the document valid UTF-8
            ++i;
        } else {
            out.append(s.substr(i, len));
            i += len;
        }
    }
}

}  // namespace

// Keys, feature names and almost every URL need no escaping: they are written with one append of
// `prefix "s" suffix` assembled on the stack (a response holds ~50 strings; appending them piecewise
// was ~12,000 instructions per /api/v1/check answer).
void append_json_string(std::string& out, std::string_view s, std::string_view prefix, std::string_view suffix) {
    const size_t plain = plain_prefix(s);
    constexpr size_t kStack = 256;
    if (plain == s.size() && s.size() + prefix.size() + suffix.size() + 2 <= kStack) {
        char buf[kStack];
        char* p = buf;
        std::memcpy(p, prefix.data(), prefix.size());
        p += prefix.size();
        *p++ = '"';
        std::memcpy(p, s.data(), s.size());
        p += s.size();
        *p++ = '"';
        std::memcpy(p, suffix.data(), suffix.size());
        p += suffix.size();
        out.append(buf, static_cast<size_t>(p - buf));
        return;
    }
    out.reserve(out.size() + prefix.size() + s.size() + suffix.size() + 2);
    out.append(prefix);
    out.push_back('"');
    out.append(s.data(), plain);
    append_escaped_tail(out, s, plain);
    out.push_back('"');
    out.append(suffix);
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
    char buf[40];
    char* p = buf;
    if (need_comma_) *p++ = ',';
    if (!std::isfinite(d)) {
        std::memcpy(p, "null", 4);
        p += 4;
    } else if (d == std::trunc(d) && std::fabs(d) < 1e6) {
        // Counts and flags (most feature values): the integer, as the general format writes it, without
        // its ~500-instruction path.
        p = std::to_chars(p, buf + sizeof buf, static_cast<int64_t>(d)).ptr;
    } else {
        p = std::to_chars(p, buf + sizeof buf, d, std::chars_format::general, 6).ptr;
    }
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
