#pragma once
// Lenient URL parsing (what users paste) and Safe Browsing v4 canonicalization.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::url {

inline constexpr size_t kMaxUrlBytes = 8 * 1024;

enum class HostKind : uint8_t { kName, kIPv4, kIPv6 };

// A URL split into parts. Host is lower-case ASCII (IDN converted to punycode), IPv4 in any
// form (decimal, octal, hex, short) is normalised to dotted quad, IPv6 is "[compressed form]".
// Path, query, fragment and userinfo are as given, except that bytes which may not appear in a
// URL (spaces, controls, non-ASCII, stray '%', ...) are percent-encoded.
struct ParsedUrl {
    std::string scheme;        // lower-case; "http" when the input had none
    bool had_scheme = false;   // the input carried an explicit scheme
    std::string userinfo;      // text before '@' in the authority, if any
    bool has_userinfo = false; // an '@' was present in the authority (userinfo may be empty)
    std::string host;          // canonical host (no trailing dot, lower-case, punycode)
    std::string host_unicode;  // host in Unicode when it was IDN, else equal to host
    HostKind host_kind = HostKind::kName;
    std::optional<uint16_t> port;
    std::string path;          // starts with '/' ("/" when the input had none)
    std::string query;         // without '?'; empty when absent
    bool has_query = false;
    std::string fragment;      // without '#'
    bool has_fragment = false;
    std::string raw;           // the input, trimmed of surrounding whitespace
};

// Accepts inputs without a scheme, with surrounding spaces, IDN hosts, IPv4 in short/octal/hex
// forms, IPv6, userinfo and ports; the final split is validated by Boost.URL (RFC 3986).
// Errors (never a crash, whatever the bytes): kTooLarge over kMaxUrlBytes; kInvalidArgument for
// empty input, a non-hierarchical scheme (mailto:), no usable host, a bad port, an invalid IDN or
// punycode label, or a host with forbidden characters.
Result<ParsedUrl> parse(std::string_view input);
// Same into an existing ParsedUrl, reusing its strings' capacity: a thread that parses URL after
// URL into one object allocates nothing once the strings have grown. On error `out` is left in
// an unspecified (valid) state. `input` must not point into `out` (e.g. `out.raw`).
Status parse(std::string_view input, ParsedUrl& out);

// Safe Browsing v4 "URLs and Hashing" canonical form, e.g. "http://www.google.com/".
// Percent-escapes use lower-case hex, as the reference Go client does (see docs/features.md).
Result<std::string> canonicalize(std::string_view input);

struct LookupOptions {
    // Longest host suffix tried besides the full host. The v4 specification says 5 (the last five
    // components); Google's Go client uses 7.
    size_t max_host_components = 5;
    // Path prefixes from the root (including "/"), besides the full path.
    size_t max_path_components = 4;
};

// Host-suffix / path-prefix expressions of a canonical URL ("a.b.c/1/"), full host first.
std::vector<std::string> lookup_expressions(std::string_view canonical_url, const LookupOptions& options = {});
// The same expressions, in the same order, handed to `visit` one at a time. For a canonical URL each
// one is a view into `canonical_url` and nothing is allocated (the request path hashes them).
using ExpressionVisitor = std::function<void(std::string_view)>;
void for_each_lookup_expression(std::string_view canonical_url, const ExpressionVisitor& visit,
                                const LookupOptions& options = {});

// "1.2.3.4" from "0x01020304", "16909060", "01.2.3.4", "1.2.772" ...; nullopt if not IPv4.
// Follows the Safe Browsing reference client (each part is masked to its byte width).
std::optional<std::string> normalize_ipv4(std::string_view host);

using Sha256Digest = std::array<uint8_t, 32>;
// SHA-256 (OpenSSL) of a lookup expression.
Sha256Digest sha256(std::string_view data);
// First `prefix_bytes` (1..32) of the SHA-256 as lower-case hex.
std::string hash_prefix_hex(std::string_view data, size_t prefix_bytes);
std::string to_hex(const uint8_t* data, size_t size);

}  // namespace vigil::url
