// IPv4 host normalization with the Safe Browsing reference client's rules: up to four parts,
// each decimal, octal (leading 0) or hex (0x), the last part filling the remaining bytes.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/url/url.hpp"

namespace vigil::url {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// "1.2.3.4 junk" (at most 15 bytes): Windows resolvers use the dotted quad before the space.
std::string_view strip_trailing_junk(std::string_view host) {
    if (host.size() > 15) return host;
    size_t i = 0;
    for (int part = 0; part < 4; ++part) {
        size_t digits = 0;
        while (i < host.size() && is_digit(host[i]) && digits < 3) {
            ++i;
            ++digits;
        }
        if (digits == 0) return host;
        if (part < 3) {
            if (i >= host.size() || host[i] != '.') return host;
            ++i;
        }
    }
    if (i < host.size() && host[i] == ' ') return host.substr(0, i);
    return host;
}

// Only digits, dots and 0x-prefixed hex runs (the reference client's pre-check).
bool possible_ip(std::string_view s) {
    if (s.empty()) return false;
    size_t i = 0;
    while (i < s.size()) {
        if (s[i] == '0' && i + 2 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X') && is_hex(s[i + 2])) {
            i += 2;
            while (i < s.size() && is_hex(s[i])) ++i;
        } else if (is_digit(s[i]) || s[i] == '.') {
            ++i;
        } else {
            return false;
        }
    }
    return true;
}

// strconv.ParseUint(s, 0, 32): base from the prefix, value must fit in 32 bits.
std::optional<uint32_t> parse_part(std::string_view s) {
    int base = 10;
    if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s.remove_prefix(2);
    } else if (s.size() >= 2 && s[0] == '0') {
        base = 8;
        s.remove_prefix(1);
    }
    if (s.empty()) return std::nullopt;
    uint32_t value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<std::string> normalize_ipv4(std::string_view host) {
    host = strip_trailing_junk(host);
    if (!possible_ip(host)) return std::nullopt;
    std::string_view parts[4];
    size_t n = 0;
    size_t start = 0;
    while (true) {
        const size_t dot = host.find('.', start);
        if (n == 4) return std::nullopt;  // more than four parts
        parts[n++] = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    uint8_t bytes[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n; ++i) {
        auto value = parse_part(parts[i]);
        if (!value) return std::nullopt;
        const size_t width = (i + 1 == n) ? 5 - n : 1;  // bytes this part fills
        uint32_t v = *value;
        for (size_t b = 0; b < width; ++b) {
            bytes[i + width - 1 - b] = static_cast<uint8_t>(v & 0xFF);
            v >>= 8;
        }
    }
    std::string out;
    out.reserve(15);
    for (int i = 0; i < 4; ++i) {
        if (i > 0) out.push_back('.');
        out += std::to_string(bytes[i]);
    }
    return out;
}

}  // namespace vigil::url
