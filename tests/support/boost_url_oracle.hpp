#pragma once
// Reference check for url::parse: the parts of a ParsedUrl, re-assembled, must form a URI that
// Boost.URL's RFC 3986 parser accepts and splits into the very same parts. url::parse no longer
// calls Boost.URL (it encodes each part so that it is valid by construction); the fuzz target and
// feature_digest_test keep Boost.URL as the oracle. Header-only; link Boost::url.
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <string>
#include <string_view>

#include "vigil/url/url.hpp"

namespace vigil::url::testing {

// Empty when Boost.URL agrees, else what differs.
inline std::string boost_url_disagreement(const ParsedUrl& u) {
    std::string uri = u.scheme + "://";
    if (u.has_userinfo) {
        uri += u.userinfo;
        uri.push_back('@');
    }
    // Boost.URL 1.81 reads "1.2.3.4.com" as IPv4 plus path (boostorg/url #755): escape a
    // leading digit of a name so that it can only be a reg-name.
    const size_t host_at = uri.size();
    if (u.host_kind == HostKind::kName && !u.host.empty() && u.host.front() >= '0' && u.host.front() <= '9') {
        uri += "%3";
        uri += u.host;
    } else {
        uri += u.host;
    }
    const size_t host_length = uri.size() - host_at;
    if (u.port) {
        uri.push_back(':');
        uri += std::to_string(*u.port);
    }
    uri += u.path;
    if (u.has_query) {
        uri.push_back('?');
        uri += u.query;
    }
    if (u.has_fragment) {
        uri.push_back('#');
        uri += u.fragment;
    }
    const auto parsed = boost::urls::parse_uri(boost::core::string_view(uri.data(), uri.size()));
    if (!parsed) return "Boost.URL rejects " + uri + ": " + parsed.error().message();
    const boost::urls::url_view& v = *parsed;
    const auto same = [](boost::core::string_view a, std::string_view b) {
        return std::string_view(a.data(), a.size()) == b;
    };
    if (v.encoded_host().size() != host_length) return "host differs in " + uri;
    if (u.has_userinfo != v.has_userinfo() || (u.has_userinfo && !same(v.encoded_userinfo(), u.userinfo))) {
        return "userinfo differs in " + uri;
    }
    if (!same(v.encoded_path(), u.path)) return "path differs in " + uri;
    if (u.has_query != v.has_query() || (u.has_query && !same(v.encoded_query(), u.query))) {
        return "query differs in " + uri;
    }
    if (u.has_fragment != v.has_fragment() || (u.has_fragment && !same(v.encoded_fragment(), u.fragment))) {
        return "fragment differs in " + uri;
    }
    if (v.has_port() != u.port.has_value()) return "port differs in " + uri;
    return {};
}

}  // namespace vigil::url::testing
