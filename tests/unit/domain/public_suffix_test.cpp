#include <gtest/gtest.h>

#include "vigil/domain/public_suffix.hpp"

namespace {

using vigil::domain::PublicSuffixList;

const PublicSuffixList& psl() {
    static const PublicSuffixList list = [] {
        auto r = PublicSuffixList::load_default();
        EXPECT_TRUE(r.ok()) << r.error().message;
        return std::move(r.value());
    }();
    return list;
}

TEST(PublicSuffix, UsesDebianList) {
    EXPECT_NE(psl().source(), "builtin") << "install the Debian 'publicsuffix' package";
}

TEST(PublicSuffix, IcannSuffixes) {
    EXPECT_EQ(psl().registrable_domain("a.b.example.co.uk"), "example.co.uk");
    EXPECT_EQ(psl().public_suffix("a.b.example.co.uk"), "co.uk");
    EXPECT_EQ(psl().registrable_domain("www.example.com"), "example.com");
    EXPECT_EQ(psl().public_suffix("www.example.com"), "com");
    EXPECT_EQ(psl().registrable_domain("example.com"), "example.com");
}

TEST(PublicSuffix, PrivateSectionIncluded) {
    EXPECT_EQ(psl().registrable_domain("user.appspot.com"), "user.appspot.com");
    EXPECT_EQ(psl().public_suffix("user.appspot.com"), "appspot.com");
    EXPECT_EQ(psl().registrable_domain("a.myblog.blogspot.com"), "myblog.blogspot.com");
    EXPECT_EQ(psl().registrable_domain("phish.web.app"), "phish.web.app");
    EXPECT_TRUE(psl().is_public_suffix("appspot.com"));
    EXPECT_TRUE(psl().is_public_suffix("co.uk"));
    EXPECT_FALSE(psl().is_public_suffix("example.com"));
}

TEST(PublicSuffix, BareSuffixIpAndUnknownTld) {
    EXPECT_EQ(psl().registrable_domain("co.uk"), "co.uk");  // the host itself
    EXPECT_EQ(psl().registrable_domain("1.2.3.4"), "1.2.3.4");
    EXPECT_EQ(psl().public_suffix("1.2.3.4"), "");
    EXPECT_EQ(psl().registrable_domain("[::1]"), "[::1]");
    EXPECT_EQ(psl().registrable_domain("a.b.unknowntld"), "b.unknowntld");  // implicit "*" rule
    EXPECT_EQ(psl().registrable_domain(""), "");
}

TEST(PublicSuffix, LongHostDoesNotOverflow) {
    const std::string host = std::string(300, 'a') + ".example.com";
    EXPECT_EQ(psl().registrable_domain(host), "example.com");
}

TEST(PublicSuffix, MissingFileIsAnError) {
    auto r = PublicSuffixList::load_file("/nonexistent/psl.dat");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, vigil::ErrorCode::kNotFound);
}

}  // namespace
