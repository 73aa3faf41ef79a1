// Safe Browsing v4 "URLs and Hashing" canonicalization (lookup expressions: lookup_expressions.cpp).
// https://developers.google.com/safe-browsing/v4/urls-hashing
#include <string>
#include <string_view>
#include <vector>

#include "vigil/domain/idn.hpp"
#include "vigil/url/url.hpp"
#include "url_chars.hpp"

namespace vigil::url {
namespace {

using detail::hex_value;
using detail::is_digit;
using detail::is_hex;
using detail::scheme_length;
char lower(char c) { return detail::to_lower(c); }

// One pass of percent-unescaping, in place (the result is never longer); true if anything changed.
bool unescape_once(std::string& s) {
    const size_t n = s.size();
    size_t w = 0;
    bool changed = false;
    for (size_t r = 0; r < n; ++r) {  // reads stay ahead of writes: w <= r
        if (s[r] == '%' && r + 2 < n && is_hex(s[r + 1]) && is_hex(s[r + 2])) {
            s[w++] = static_cast<char>(hex_value(s[r + 1]) * 16 + hex_value(s[r + 2]));
            r += 2;
            changed = true;
        } else {
            s[w++] = s[r];
        }
    }
    s.resize(w);
    return changed;
}

// Escapes bytes <= 0x20, >= 0x7f, '#' and '%' (lower-case hex, as the reference Go client).
// Runs of bytes that stay as they are are appended in bulk.
void append_escaped(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto must_escape = [](unsigned char c) { return c <= 0x20 || c >= 0x7f || c == '#' || c == '%'; };
    size_t run = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (!must_escape(c)) continue;
        out.append(s.data() + run, i - run);
        const char escaped[3] = {'%', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escaped, 3);
        run = i + 1;
    }
    out.append(s.data() + run, s.size() - run);
}

bool all_digits(std::string_view s) {
    for (char c : s) {
        if (!is_digit(c)) return false;
    }
    return true;
}

// Collapses runs of dots, trims them at both ends and drops a ":digits" port, until stable (so
// that canonicalize() is idempotent: "host:8." loses its dot, then its port).
std::string tidy_host(std::string_view host) {
    // Common case: nothing to tidy (no empty label, no edge dot, no colon).
    if (!host.empty() && host.front() != '.' && host.back() != '.' && host.find(':') == std::string_view::npos &&
        host.find("..") == std::string_view::npos) {
        return std::string(host);
    }
    std::string h;
    h.reserve(host.size());
    for (char c : host) {
        if (c == '.' && (h.empty() || h.back() == '.')) continue;
        h.push_back(c);
    }
    while (!h.empty() && h.back() == '.') h.pop_back();
    const size_t colon = h.rfind(':');  // an empty port counts too ("host:" -> "host")
    if (colon != std::string::npos && all_digits(std::string_view(h).substr(colon + 1))) {
        h.resize(colon);
        return tidy_host(h);
    }
    return h;
}

std::string canonical_host(std::string_view authority) {
    const size_t at = authority.rfind('@');
    std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
    // An IPv6 literal, also behind leading dots: tidy_host drops those, and a '[' it left in front
    // would be read as a literal on the next pass (canonicalize must be idempotent; fuzzer find).
    size_t lead = 0;
    while (lead < host.size() && host[lead] == '.') ++lead;
    if (lead < host.size() && host[lead] == '[') {
        const size_t close = host.find(']', lead);
        if (close != std::string_view::npos) {
            std::string h(host.substr(lead, close - lead + 1));
            for (char& c : h) c = lower(c);
            return h;
        }
    }
    std::string h = tidy_host(host);
    if (h.empty()) return h;
    bool ascii = true;
    for (char c : h) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (!ascii) {
        auto idn = domain::to_ascii(h);
        if (idn.ok()) h = tidy_host(idn.value());  // else: keep the bytes, escaped by the caller
        if (h.empty()) return h;
    }
    if (auto ip = normalize_ipv4(h)) return *ip;
    for (char& c : h) c = lower(c);
    return h;
}

// Resolves "." and ".." segments and collapses slashes; keeps a trailing slash. Returns `path`
// itself when there is nothing to resolve, else a view of `storage`.
std::string_view canonical_path(std::string_view path, std::string& storage) {
    // `path` is empty or starts with '/': without "//" and without a segment starting with '.',
    // it is already canonical.
    if (!path.empty() && path.find("//") == std::string_view::npos && path.find("/.") == std::string_view::npos) {
        return path;
    }
    std::vector<std::string_view> segments;
    bool trailing_slash = path.empty() || path.back() == '/';
    size_t start = 0;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        const std::string_view seg = path.substr(start, slash - start);
        const bool last = slash == path.size();
        if (seg == "..") {
            if (!segments.empty()) segments.pop_back();
            if (last) trailing_slash = true;
        } else if (seg == ".") {
            if (last) trailing_slash = true;
        } else if (!seg.empty()) {
            segments.push_back(seg);
        }
        start = slash + 1;
    }
    storage.assign(1, '/');
    for (size_t i = 0; i < segments.size(); ++i) {
        storage.append(segments[i]);
        if (i + 1 < segments.size() || trailing_slash) storage.push_back('/');
    }
    return storage;
}

}  // namespace

Result<std::string> canonicalize(std::string_view input) {
    if (input.size() > kMaxUrlBytes) {
        return make_error(ErrorCode::kTooLarge, "URL is " + std::to_string(input.size()) + " bytes; the limit is " +
                                                    std::to_string(kMaxUrlBytes));
    }
    // Drop the fragment first: an escaped '#' (%23) must survive as part of the path.
    std::string_view view = input.substr(0, input.find('#'));
    while (!view.empty() && (view.front() == ' ' || view.front() == '\t' || view.front() == '\n' ||
                             view.front() == '\r' || view.front() == '\f' || view.front() == '\v')) {
        view.remove_prefix(1);
    }
    while (!view.empty() && (view.back() == ' ' || view.back() == '\t' || view.back() == '\n' ||
                             view.back() == '\r' || view.back() == '\f' || view.back() == '\v')) {
        view.remove_suffix(1);
    }
    std::string s;
    // (find_first_of would call memchr once per byte; three scans are far cheaper.)
    if (view.find('\t') == std::string_view::npos && view.find('\r') == std::string_view::npos &&
        view.find('\n') == std::string_view::npos) {
        s.assign(view);
    } else {
        s.reserve(view.size());
        for (char c : view) {
            if (c != '\t' && c != '\r' && c != '\n') s.push_back(c);
        }
    }
    // Unescaping only shrinks the string, so this terminates.
    if (s.find('%') != std::string::npos) {
        while (unescape_once(s)) {
        }
    }

    std::string_view rest = s;
    std::string scheme = "http";
    if (const size_t n = scheme_length(rest); n > 0) {
        if (rest.substr(n + 1, 2) != "//") {
            return make_error(ErrorCode::kInvalidArgument, "URL has no host (scheme without '//')");
        }
        scheme.assign(rest.substr(0, n));
        for (char& c : scheme) c = lower(c);
        rest.remove_prefix(n + 3);
    }
    const size_t qmark = rest.find('?');
    const bool has_query = qmark != std::string_view::npos;
    const std::string_view query = has_query ? rest.substr(qmark + 1) : std::string_view{};
    rest = rest.substr(0, qmark);
    const size_t slash = rest.find('/');
    const std::string_view authority = rest.substr(0, slash);
    const std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (authority.empty()) return make_error(ErrorCode::kInvalidArgument, "URL has no host");

    const std::string host = canonical_host(authority);
    if (host.empty()) return make_error(ErrorCode::kInvalidArgument, "URL has no host");

    std::string out;
    out.reserve(scheme.size() + 3 + host.size() + path.size() + query.size() + 8);
    out += scheme;
    out += "://";
    append_escaped(out, host);
    std::string path_storage;
    append_escaped(out, canonical_path(path, path_storage));
    if (has_query) {
        out.push_back('?');
        append_escaped(out, query);
    }
    return out;
}

}  // namespace vigil::url
