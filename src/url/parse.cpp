// Lenient parsing of what users paste: we locate the authority ourselves (to apply the same
// rules as browsers for '@', '\' and ports and to convert IDN hosts) and percent-encode the bytes
// RFC 3986 forbids in each part, so every part is valid by construction. Boost.URL validated and
// split the re-assembled URI until 2026-11; it cost ~4,000 instructions per URL and never
// disagreed, so it is now the reference in tests (tests/support/boost_url_oracle.hpp), and
// only its IPv6 parser is used here.
#include <boost/url/ipv6_address.hpp>

#include <array>
#include <cstring>
#include <string>
#include <string_view>

#include "byte_search.hpp"
#include "url_chars.hpp"
#include "vigil/domain/idn.hpp"
#include "vigil/url/url.hpp"

namespace vigil::url {
namespace {

using detail::hex_value;
using detail::is_alpha;
using detail::is_digit;
using detail::is_hex;
using detail::to_lower;

Error invalid(std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); }

constexpr bool is_unreserved(char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
constexpr bool is_sub_delim(char c) {
    switch (c) {
        case '!': case '$': case '&': case '\'': case '(': case ')':
        case '*': case '+': case ',': case ';': case '=':
            return true;
        default:
            return false;
    }
}

enum class Part { kUserinfo, kPath, kQuery, kFragment };

// Bytes RFC 3986 allows literally, per part: bit 0 userinfo, bit 1 path, bit 2 query/fragment.
constexpr std::array<uint8_t, 256> make_allowed() {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        if (is_unreserved(ch) || is_sub_delim(ch) || ch == ':') t[c] = 7;
    }
    t['@'] = t['/'] = 6;
    t['?'] = 4;
    return t;
}
constexpr std::array<uint8_t, 256> kAllowed = make_allowed();
constexpr detail::ByteSet kAllowedIn[3] = {
    detail::make_byte_set([](char c) { return (kAllowed[static_cast<unsigned char>(c)] & 1) != 0; }),
    detail::make_byte_set([](char c) { return (kAllowed[static_cast<unsigned char>(c)] & 2) != 0; }),
    detail::make_byte_set([](char c) { return (kAllowed[static_cast<unsigned char>(c)] & 4) != 0; }),
};
// Host bytes of canonical_name's fast path.
constexpr detail::ByteSet kPlainHost = detail::make_byte_set(
    [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_' || c == '.'; });

// Appends `s`, percent-encoding what RFC 3986 does not allow in `part`; valid %XX stay as they are.
// Runs of allowed bytes are appended in bulk (the common case is "nothing to encode"). `s` lies in
// parse()'s padded copy of the input (detail::kSearchPadding readable bytes after it).
void append_encoded(std::string& out, std::string_view s, Part part, bool backslash_is_slash = false) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    const detail::ByteSet& allowed = kAllowedIn[part == Part::kUserinfo ? 0 : part == Part::kPath ? 1 : 2];
    const char* const p = s.data();
    const size_t n = s.size();
    size_t run = 0;
    size_t i = 0;
    while (true) {
        i += detail::find_not_in(p + i, n - i, allowed);
        if (i == n) break;
        const char c = p[i];
        if (c == '%' && i + 2 < n && is_hex(p[i + 1]) && is_hex(p[i + 2])) {
            ++i;
            continue;
        }
        out.append(p + run, i - run);
        run = ++i;
        if (c == '\\' && backslash_is_slash) {
            out.push_back('/');
            continue;
        }
        const auto b = static_cast<unsigned char>(c);
        const char escaped[3] = {'%', kHex[b >> 4], kHex[b & 0xF]};
        out.append(escaped, 3);
    }
    out.append(p + run, n - run);
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::string_view trim(std::string_view s) {
    // C0 controls and space, as browsers strip them from pasted URLs.
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
    return s;
}

Result<uint16_t> parse_port(std::string_view digits) {
    for (char c : digits) {
        if (!is_digit(c)) return invalid("invalid port '" + std::string(digits.substr(0, 16)) + "'");
    }
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    uint32_t value = 0;
    for (char c : digits) {
        value = value * 10 + static_cast<uint32_t>(c - '0');
        if (value > 65535) return invalid("port out of range (0-65535)");
    }
    return static_cast<uint16_t>(value);
}

// Host name: percent-decoded, dots tidied, IDN to punycode, lower-case, restricted characters.
// Written into `out` (its capacity is reused when a ParsedUrl is parsed into again).
// `has_x` is set to false when the host surely has no "xn--" label (else true).
Status canonical_name(std::string_view raw, std::string& out, bool& has_x) {
    has_x = true;
    // Fast path: already lower-case letters, digits, '-', '_' and single inner dots (`raw` lies in
    // parse()'s padded copy of the input).
    const detail::PlainHost check = !raw.empty() && raw.front() != '.' && raw.back() != '.'
                                        ? detail::check_plain_host(raw.data(), raw.size(), kPlainHost)
                                        : detail::PlainHost{};
    if (check.plain) {
        has_x = check.has_x;
        out.assign(raw);
        return {};
    }
    const std::string decoded = percent_decode(raw);
    std::string h;
    h.reserve(decoded.size());
    bool ascii = true;
    for (char c : decoded) {
        if (c == '.' && (h.empty() || h.back() == '.')) continue;  // leading dots and runs
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
        h.push_back(c);
    }
    while (!h.empty() && h.back() == '.') h.pop_back();
    if (h.empty()) return invalid("URL has no host");
    if (!ascii) {
        auto idn = domain::to_ascii(h);
        if (!idn.ok()) return idn.error();
        h = std::move(idn.value());
    } else {
        for (char& c : h) c = to_lower(c);
    }
    for (char c : h) {
        if (!(is_unreserved(c) || is_sub_delim(c)) || c == '~') {
            return invalid("invalid character in host (byte 0x" +
                           std::string(1, "0123456789abcdef"[static_cast<unsigned char>(c) >> 4]) +
                           std::string(1, "0123456789abcdef"[static_cast<unsigned char>(c) & 0xF]) + ")");
        }
    }
    out = std::move(h);
    return {};
}

}  // namespace

Result<ParsedUrl> parse(std::string_view input) {
    ParsedUrl out;
    if (Status status = parse(input, out); !status.ok()) return status.error();
    return out;
}

Status parse(std::string_view input, ParsedUrl& out) {
    if (input.size() > kMaxUrlBytes) {
        return make_error(ErrorCode::kTooLarge, "URL is " + std::to_string(input.size()) + " bytes; the limit is " +
                                                    std::to_string(kMaxUrlBytes));
    }
    const std::string_view trimmed = trim(input);
    // Reset every field, keeping the strings' capacity.
    out.scheme.clear();
    out.had_scheme = false;
    out.userinfo.clear();
    out.has_userinfo = false;
    out.host.clear();
    out.host_unicode.clear();
    out.host_kind = HostKind::kName;
    out.port.reset();
    out.path.clear();
    out.query.clear();
    out.has_query = false;
    out.fragment.clear();
    out.has_fragment = false;
    out.raw.clear();
    // Every search below runs over this copy, padded for the vector searches (byte_search.hpp).
    std::array<char, kMaxUrlBytes + detail::kSearchPadding> padded;
    const auto copy_padded = [&padded](std::string_view s) {
        if (!s.empty()) std::memcpy(padded.data(), s.data(), s.size());
        std::memset(padded.data() + s.size(), 0, detail::kSearchPadding);
        return std::string_view(padded.data(), s.size());
    };
    std::string_view rest = copy_padded(trimmed);
    if (detail::find_any(rest.data(), rest.size(), '\t', '\r', '\n', '\n') == rest.size()) {
        out.raw.assign(trimmed);
    } else {
        out.raw.reserve(trimmed.size());
        for (char c : trimmed) {
            if (c != '\t' && c != '\r' && c != '\n') out.raw.push_back(c);  // browsers drop these
        }
        rest = copy_padded(out.raw);
    }
    if (out.raw.empty()) return invalid("empty URL");

    if (const size_t n = detail::scheme_length(rest); n > 0) {
        if (rest.substr(n + 1, 2) != "//") {
            return invalid("'" + std::string(rest.substr(0, std::min<size_t>(n, 32))) + ":' URL has no host");
        }
        out.scheme.assign(rest.substr(0, n));
        for (char& c : out.scheme) c = to_lower(c);
        out.had_scheme = true;
        rest.remove_prefix(n + 3);
    } else {
        out.scheme = "http";
        if (rest.substr(0, 2) == "//") rest.remove_prefix(2);
    }

    // Authority ends at the first '/', '?', '#' or '\' (browsers treat '\' as '/').
    size_t authority_end = detail::find_any(rest.data(), rest.size(), '/', '?', '#', '\\');
    if (authority_end == rest.size()) authority_end = std::string_view::npos;
    const std::string_view authority = rest.substr(0, authority_end);
    const std::string_view tail = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    if (authority.empty()) return invalid("URL has no host");

    std::string_view hostport = authority;
    std::string_view userinfo;
    if (const size_t at = detail::find_last(authority.data(), authority.size(), '@'); at != SIZE_MAX) {
        out.has_userinfo = true;
        userinfo = authority.substr(0, at);
        hostport = authority.substr(at + 1);
    }
    std::string_view host_raw = hostport;
    std::string_view port_raw;
    if (!hostport.empty() && hostport.front() == '[') {
        const size_t close = hostport.find(']');
        if (close == std::string_view::npos) return invalid("unterminated IPv6 address (missing ']')");
        host_raw = hostport.substr(0, close + 1);
        const std::string_view after = hostport.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return invalid("unexpected text after IPv6 address");
            port_raw = after.substr(1);
        }
    } else if (const size_t colon = detail::find_last(hostport.data(), hostport.size(), ':'); colon != SIZE_MAX) {
        host_raw = hostport.substr(0, colon);
        port_raw = hostport.substr(colon + 1);
    }
    if (!port_raw.empty()) {
        auto port = parse_port(port_raw);
        if (!port.ok()) return port.error();
        out.port = port.value();
    }

    if (!host_raw.empty() && host_raw.front() == '[') {
        const std::string_view inner = host_raw.substr(1, host_raw.size() - 2);
        auto v6 = boost::urls::parse_ipv6_address(boost::core::string_view(inner.data(), inner.size()));
        if (!v6) return invalid("invalid IPv6 address");
        out.host = "[" + v6->to_string() + "]";
        out.host_kind = HostKind::kIPv6;
        out.host_unicode = out.host;
    } else {
        bool has_x = true;
        if (Status name = canonical_name(host_raw, out.host, has_x); !name.ok()) return name;
        if (auto v4 = normalize_ipv4(out.host)) {
            out.host = std::move(*v4);
            out.host_kind = HostKind::kIPv4;
            out.host_unicode = out.host;
        } else if (has_x && domain::has_punycode_label(out.host)) {
            auto unicode = domain::to_unicode(out.host);
            if (!unicode.ok()) return unicode.error();
            out.host_unicode = std::move(unicode.value());
        } else {
            out.host_unicode = out.host;
        }
    }

    // Userinfo, path, query and fragment are stored percent-encoded where RFC 3986 forbids a
    // byte, so each is valid in its part by construction (the host was checked above, the port is
    // digits): the URI they form is always valid, which the fuzz target and feature_digest_test
    // check against Boost.URL's parse_uri.
    if (out.has_userinfo) append_encoded(out.userinfo, userinfo, Part::kUserinfo);
    const size_t path_end = detail::find_any(tail.data(), tail.size(), '?', '#', '?', '#');
    if (path_end == 0) {
        out.path.push_back('/');
    } else {
        append_encoded(out.path, tail.substr(0, path_end), Part::kPath, /*backslash_is_slash=*/true);
    }
    std::string_view rest_tail = tail.substr(path_end);
    if (!rest_tail.empty() && rest_tail.front() == '?') {
        const size_t found = detail::find_any(rest_tail.data(), rest_tail.size(), '#', '#', '#', '#');
        const size_t hash = found == rest_tail.size() ? std::string_view::npos : found;
        const std::string_view query = rest_tail.substr(1, hash == std::string_view::npos ? std::string_view::npos : hash - 1);
        out.has_query = true;
        append_encoded(out.query, query, Part::kQuery);
        rest_tail.remove_prefix(1 + query.size());
    }
    if (!rest_tail.empty()) {  // starts with '#'
        out.has_fragment = true;
        append_encoded(out.fragment, rest_tail.substr(1), Part::kFragment);
    }
    return {};
}

}  // namespace vigil::url
