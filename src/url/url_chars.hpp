#pragma once
// Character classes and the scheme sniffing shared by parse() and canonicalize() (private).
#include <cstddef>
#include <string_view>

namespace vigil::url::detail {

constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
}
inline char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Length of an RFC 3986 "scheme:" prefix, or 0 when there is none or when what follows the ':' is
// a port ("example.com:8080/x", as users paste it).
inline size_t scheme_length(std::string_view s) {
    if (s.empty() || !is_alpha(s[0])) return 0;
    size_t i = 1;
    while (i < s.size() && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) ++i;
    if (i >= s.size() || s[i] != ':') return 0;
    size_t j = i + 1;
    while (j < s.size() && is_digit(s[j])) ++j;
    if (j > i + 1 && (j == s.size() || s[j] == '/' || s[j] == '?' || s[j] == '#')) return 0;  // host:port
    return i;
}

}  // namespace vigil::url::detail
