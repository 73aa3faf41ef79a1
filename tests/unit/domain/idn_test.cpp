#include <gtest/gtest.h>

#include "vigil/domain/idn.hpp"
#include "vigil/domain/keyword_matcher.hpp"

namespace {

using namespace vigil::domain;

TEST(Idn, RoundTrip) {
    auto ascii = to_ascii("www.\xC3\xBCmlat.com");
    ASSERT_TRUE(ascii.ok());
    EXPECT_EQ(ascii.value(), "www.xn--mlat-zra.com");
    auto unicode = to_unicode(ascii.value());
    ASSERT_TRUE(unicode.ok());
    EXPECT_EQ(unicode.value(), "www.\xC3\xBCmlat.com");
}

TEST(Idn, AsciiIsLowercasedWithoutLibidn2) {
    EXPECT_EQ(to_ascii("WWW.Example.COM").value(), "www.example.com");
    EXPECT_EQ(to_unicode("www.example.com").value(), "www.example.com");
}

TEST(Idn, UppercaseUnicodeIsMapped) {
    auto ascii = to_ascii("B\xC3\x9C" "CHER.de");  // "BÜCHER.de"
    ASSERT_TRUE(ascii.ok());
    EXPECT_EQ(ascii.value(), "xn--bcher-kva.de");
}

TEST(Idn, Errors) {
    EXPECT_FALSE(to_ascii("\xFF\xFE.com").ok());          // invalid UTF-8
    EXPECT_FALSE(to_unicode("xn--zz-zzzzzz.com").ok());   // invalid punycode
    EXPECT_FALSE(to_ascii(std::string("a\0b", 3)).ok());  // NUL
}

TEST(Idn, HasPunycodeLabel) {
    EXPECT_TRUE(has_punycode_label("xn--mlat-zra.com"));
    EXPECT_TRUE(has_punycode_label("www.XN--mlat-zra.com"));
    EXPECT_FALSE(has_punycode_label("www.fooxn--bar.com"));
    EXPECT_FALSE(has_punycode_label(""));
}

TEST(KeywordMatcher, FindsAllOccurrencesCaseInsensitively) {
    KeywordMatcher m({"paypal", "pal", "login", "bad char!"});
    EXPECT_EQ(m.size(), 3u);  // "bad char!" is ignored
    std::vector<std::string> hits;
    m.for_each_match("xPayPalx-LOGIN/paypal", [&](const KeywordMatcher::Match& match) {
        hits.push_back(m.keyword(match.id) + "@" + std::to_string(match.end));
    });
    // Longest keyword per end position: "paypal" ends where "pal" ends.
    EXPECT_EQ(hits, (std::vector<std::string>{"paypal@7", "login@14", "paypal@21"}));
    EXPECT_EQ(m.count("nothing here"), 0u);
    EXPECT_EQ(m.count("payp.al"), 0u);  // "." splits
    EXPECT_EQ(KeywordMatcher().count("anything"), 0u);
}

TEST(KeywordMatcher, OverlapsViaFailureLinks) {
    KeywordMatcher m({"abcd", "bc"});
    EXPECT_EQ(m.count("abc"), 1u);   // "bc" inside an unfinished "abcd"
    EXPECT_EQ(m.count("abcd"), 2u);  // "bc" then "abcd"
}

}  // namespace
