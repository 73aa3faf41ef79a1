#include <gtest/gtest.h>

#include <string>

#include "vigil/url/url.hpp"

namespace {

using vigil::ErrorCode;
using vigil::url::HostKind;
using vigil::url::parse;

vigil::url::ParsedUrl must_parse(std::string_view in) {
    auto r = parse(in);
    EXPECT_TRUE(r.ok()) << "'" << in << "': " << (r.ok() ? "" : r.error().message);
    return r.ok() ? r.value() : vigil::url::ParsedUrl{};
}

TEST(Parse, FullUrl) {
    const auto u = must_parse("https://User:Pw@WWW.Example.COM:8443/a/b.php?x=1&y=2#frag");
    EXPECT_EQ(u.scheme, "https");
    EXPECT_TRUE(u.had_scheme);
    EXPECT_EQ(u.userinfo, "User:Pw");
    EXPECT_TRUE(u.has_userinfo);
    EXPECT_EQ(u.host, "www.example.com");
    EXPECT_EQ(u.host_kind, HostKind::kName);
    ASSERT_TRUE(u.port.has_value());
    EXPECT_EQ(*u.port, 8443);
    EXPECT_EQ(u.path, "/a/b.php");
    EXPECT_TRUE(u.has_query);
    EXPECT_EQ(u.query, "x=1&y=2");
    EXPECT_TRUE(u.has_fragment);
    EXPECT_EQ(u.fragment, "frag");
}

TEST(Parse, NoSchemeAndSurroundingSpace) {
    const auto u = must_parse("  \t example.com/login \n");
    EXPECT_EQ(u.scheme, "http");
    EXPECT_FALSE(u.had_scheme);
    EXPECT_EQ(u.host, "example.com");
    EXPECT_EQ(u.path, "/login");
    EXPECT_EQ(u.raw, "example.com/login");
}

TEST(Parse, HostPortWithoutSchemeIsNotAScheme) {
    const auto u = must_parse("localhost:8080/x");
    EXPECT_EQ(u.host, "localhost");
    EXPECT_EQ(u.port, 8080);
    EXPECT_FALSE(u.had_scheme);
}

TEST(Parse, EmptyPathBecomesSlash) {
    EXPECT_EQ(must_parse("http://example.com").path, "/");
    EXPECT_EQ(must_parse("http://example.com?q").path, "/");
    EXPECT_EQ(must_parse("http://example.com?q").query, "q");
}

TEST(Parse, UserinfoTrick) {
    const auto u = must_parse("http://paypal.com@evil.ru/");
    EXPECT_EQ(u.host, "evil.ru");
    EXPECT_EQ(u.userinfo, "paypal.com");
    EXPECT_TRUE(u.has_userinfo);
    const auto v = must_parse("http://a@b@evil.ru/x");  // last '@' wins, as in browsers
    EXPECT_EQ(v.host, "evil.ru");
    EXPECT_EQ(v.userinfo, "a%40b");
}

TEST(Parse, BackslashEndsAuthority) {
    const auto u = must_parse("http://evil.com\\@paypal.com/");
    EXPECT_EQ(u.host, "evil.com");
    EXPECT_FALSE(u.has_userinfo);
}

TEST(Parse, Ipv4Forms) {
    for (const char* in : {"http://1.2.3.4/", "http://0x01020304/", "http://16909060/", "http://01.02.03.04/",
                           "http://1.2.772/", "1.2.3.4:80"}) {
        const auto u = must_parse(in);
        EXPECT_EQ(u.host, "1.2.3.4") << in;
        EXPECT_EQ(u.host_kind, HostKind::kIPv4) << in;
    }
}

TEST(Parse, Ipv6) {
    const auto u = must_parse("http://[2001:DB8:0:0::1]:8080/x");
    EXPECT_EQ(u.host, "[2001:db8::1]");
    EXPECT_EQ(u.host_kind, HostKind::kIPv6);
    EXPECT_EQ(u.port, 8080);
    EXPECT_FALSE(parse("http://[::1").ok());
    EXPECT_FALSE(parse("http://[not-v6]/").ok());
    EXPECT_FALSE(parse("http://[::1]junk/").ok());
}

TEST(Parse, IdnRoundTrip) {
    const auto u = must_parse("http://www.\xC3\xBCmlat.com/");
    EXPECT_EQ(u.host, "www.xn--mlat-zra.com");
    EXPECT_EQ(u.host_unicode, "www.\xC3\xBCmlat.com");
    const auto v = must_parse("http://www.xn--mlat-zra.com/");
    EXPECT_EQ(v.host, "www.xn--mlat-zra.com");
    EXPECT_EQ(v.host_unicode, "www.\xC3\xBCmlat.com");
    // Cyrillic "а" in a lookalike of apple.com.
    const auto w = must_parse("https://\xD0\xB0pple.com/");
    EXPECT_EQ(w.host.substr(0, 4), "xn--");
}

TEST(Parse, NumericLabelsInHostName) {
    // Boost.URL 1.81 alone would read these as an IPv4 address followed by a path.
    const auto u = must_parse("http://1.2.3.4.com/r");
    EXPECT_EQ(u.host, "1.2.3.4.com");
    EXPECT_EQ(u.host_kind, HostKind::kName);
    EXPECT_EQ(u.path, "/r");
    const auto v = must_parse("http://127.0.0.1.org");
    EXPECT_EQ(v.host, "127.0.0.1.org");
    EXPECT_EQ(v.path, "/");
    const auto w = must_parse("http://1.2.3.4.5/");
    EXPECT_EQ(w.host, "1.2.3.4.5");
    EXPECT_EQ(w.path, "/");
    EXPECT_EQ(must_parse("01.org/x").host, "01.org");
}

TEST(Parse, PercentEncodedHostIsDecoded) {
    EXPECT_EQ(must_parse("http://%65xample.com/").host, "example.com");
}

TEST(Parse, HostileBytesAreEncodedNotFatal) {
    static constexpr char kHostile[] = "http://example.com/a b\x01\xFF%zz\"<>";
    const auto u = must_parse(std::string(kHostile, sizeof(kHostile) - 1));
    EXPECT_EQ(u.path, "/a%20b%01%FF%25zz%22%3C%3E");
    const auto v = must_parse(std::string("example.com/p\0q", 15));
    EXPECT_EQ(v.path, "/p%00q");
}

TEST(Parse, TrailingDotsAndCase) {
    EXPECT_EQ(must_parse("HTTP://WWW.Example.COM.../").host, "www.example.com");
    EXPECT_EQ(must_parse("HTTP://x.com/").scheme, "http");
}

struct BadInput {
    std::string input;
    ErrorCode code;
};

TEST(Parse, Errors) {
    const std::vector<BadInput> bad = {
        {"", ErrorCode::kInvalidArgument},
        {"   \t\n ", ErrorCode::kInvalidArgument},
        {std::string(vigil::url::kMaxUrlBytes + 1, 'a'), ErrorCode::kTooLarge},
        {std::string("http://a\0b.com/", 15), ErrorCode::kInvalidArgument},
        {"http://", ErrorCode::kInvalidArgument},
        {"://x", ErrorCode::kInvalidArgument},
        {"http:///path", ErrorCode::kInvalidArgument},
        {"[::1", ErrorCode::kInvalidArgument},
        {"http://x.com:99999999999999999999/", ErrorCode::kInvalidArgument},
        {"http://x.com:65536/", ErrorCode::kInvalidArgument},
        {"http://x.com:8o/", ErrorCode::kInvalidArgument},
        {"http://xn--zz-zzzzzz.com/", ErrorCode::kInvalidArgument},  // invalid punycode
        {"mailto:someone@example.com", ErrorCode::kInvalidArgument},
        {"javascript:alert(1)", ErrorCode::kInvalidArgument},
        {"/relative/only", ErrorCode::kInvalidArgument},
        {"http://exa mple.com/", ErrorCode::kInvalidArgument},
        {"http://\xFF\xFE.com/", ErrorCode::kInvalidArgument},  // invalid UTF-8 host
        {"http://...", ErrorCode::kInvalidArgument},
    };
    for (const auto& b : bad) {
        auto r = parse(b.input);
        EXPECT_FALSE(r.ok()) << "accepted '" << b.input << "' as host " << (r.ok() ? r->host : "");
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, b.code) << b.input;
            EXPECT_FALSE(r.error().message.empty());
        }
    }
}

TEST(Parse, ExactlyMaxSizeIsAccepted) {
    std::string in = "http://example.com/";
    in.append(vigil::url::kMaxUrlBytes - in.size(), 'a');
    EXPECT_TRUE(parse(in).ok());
}

// Every single byte value, and every pair of a few nasty bytes, in each position of a template:
// nothing may crash (the fuzz target goes much further).
TEST(Parse, AllSingleBytesDoNotCrash) {
    const std::string base = "http://u@ex.com:80/p?q#f";
    for (size_t pos = 0; pos <= base.size(); ++pos) {
        for (int b = 0; b < 256; ++b) {
            std::string in = base;
            in.insert(pos, 1, static_cast<char>(b));
            auto r = parse(in);
            if (r.ok()) {
                EXPECT_FALSE(r->host.empty());
                EXPECT_EQ(r->path.front(), '/');
            }
            (void)vigil::url::canonicalize(in);
        }
    }
}

}  // namespace

namespace {

// parse(input, out) reuses `out`: nothing of a previous URL may leak into the next one.
TEST(ParseInto, ResetsEveryFieldBetweenUrls) {
    vigil::url::ParsedUrl u;
    ASSERT_TRUE(parse("https://User:Pw@[::1]:8443/a/b.php?x=1#frag", u).ok());
    EXPECT_EQ(u.host_kind, HostKind::kIPv6);
    ASSERT_TRUE(parse("http://xn--mnchen-3ya.de/x?q", u).ok());
    EXPECT_EQ(u.host_unicode, "m\xC3\xBCnchen.de");
    EXPECT_FALSE(parse("mailto:someone@example.com", u).ok());  // an error in between
    ASSERT_TRUE(parse("example.com", u).ok());
    const auto fresh = must_parse("example.com");
    EXPECT_EQ(u.scheme, fresh.scheme);
    EXPECT_FALSE(u.had_scheme);
    EXPECT_FALSE(u.has_userinfo);
    EXPECT_EQ(u.userinfo, "");
    EXPECT_EQ(u.host, "example.com");
    EXPECT_EQ(u.host_unicode, "example.com");
    EXPECT_EQ(u.host_kind, HostKind::kName);
    EXPECT_FALSE(u.port.has_value());
    EXPECT_EQ(u.path, "/");
    EXPECT_FALSE(u.has_query);
    EXPECT_EQ(u.query, "");
    EXPECT_FALSE(u.has_fragment);
    EXPECT_EQ(u.fragment, "");
    EXPECT_EQ(u.raw, "example.com");
}

}  // namespace
