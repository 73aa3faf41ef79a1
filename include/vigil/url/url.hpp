#pragma once
// Lenient URL parsing (what users paste) and Safe Browsing v4 canonicalization.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::url {

inline constexpr size_t kMaxUrlBytes = 8 * 1024;

enum class HostKind : uint8_t { kName, kIPv4, kIPv6 };

// A URL split into parts. Host is lower-case ASCII (IDN converted to punycode), IPv4 in any
// form (decimal, octal, hex, short) is normalised to dotted quad.
struct ParsedUrl {
    std::string scheme;        // lower-case; "http" when the input had none
    bool had_scheme = false;   // the input carried an explicit scheme
    std::string userinfo;      // text before '@' in the authority, if any
    std::string host;          // canonical host (no trailing dot, lower-case, punycode)
    std::string host_unicode;  // host in Unicode when it was IDN, else equal to host
    HostKind host_kind = HostKind::kName;
    std::optional<uint16_t> port;
    std::string path;          // starts with '/', as given (not re-encoded)
    std::string query;         // without '?'; empty when absent
    bool has_query = false;
    std::string fragment;      // without '#'
    std::string raw;           // the input, trimmed of surrounding whitespace
};

// Accepts inputs without a scheme, with surrounding spaces, IDN hosts, IPv4 in short/octal/hex
// forms, IPv6, userinfo and ports. Errors: empty, over kMaxUrlBytes, no usable host.
Result<ParsedUrl> parse(std::string_view input);

// Safe Browsing v4 "URLs and Hashing" canonical form, e.g. "http://www.google.com/".
Result<std::string> canonicalize(std::string_view input);

// Host-suffix / path-prefix expressions of a canonical URL (at most 5 hosts x 6 paths).
std::vector<std::string> lookup_expressions(std::string_view canonical_url);

// "1.2.3.4" from "0x01020304", "16909060", "01.2.3.4", "1.2.772" ...; nullopt if not IPv4.
std::optional<std::string> normalize_ipv4(std::string_view host);

}  // namespace vigil::url
