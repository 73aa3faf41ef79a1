#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
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

namespace {

// The indexed engine must agree with libpsl itself on real hosts and on tricky rules.
TEST(PublicSuffix, IndexedEngineAgreesWithLibpsl) {
    auto indexed = PublicSuffixList::load_default(vigil::domain::PslEngine::kIndexed);
    auto reference = PublicSuffixList::load_default(vigil::domain::PslEngine::kLibpsl);
    ASSERT_TRUE(indexed.ok() && reference.ok());
    ASSERT_EQ(indexed->engine(), vigil::domain::PslEngine::kIndexed);
    ASSERT_EQ(reference->engine(), vigil::domain::PslEngine::kLibpsl);
    std::vector<std::string> hosts = {
        "www.ck", "a.www.ck", "b.a.ck", "ck", "x.city.kawasaki.jp", "city.kawasaki.jp", "a.b.kawasaki.jp",
        "kawasaki.jp", "a.b.c.compute.amazonaws.com", "s3.dualstack.us-east-1.amazonaws.com",
        "x.s3.dualstack.us-east-1.amazonaws.com", "user.appspot.com", "appspot.com", "a.b.example.co.uk",
        "co.uk", "uk", "localhost", "a.b.unknowntld", "xn--fiqs8s", "a.xn--fiqs8s", "b.a.xn--fiqs8s",
        "foo.bar.github.io", "github.io", "x.blogspot.co.uk", "a.b.c.d.e.f.g.h", "example.com", "www.example.com",
        "-.com", "a..b.com", "x.web.app", "a.b.pvt.k12.ma.us", "pvt.k12.ma.us", "k12.ma.us"};
    // Plus every host of a slice of the real URL data.
    const auto data = vigil::data_dir(VIGIL_SOURCE_DIR);
    size_t line_no = 0;
    auto n = vigil::for_each_line(data / "url" / "phishstorm" / "urls.csv.gz", [&](std::string_view line) {
        if (++line_no % 4 != 0) return;
        const size_t comma = line.rfind(',');
        std::string_view url = line.substr(0, comma);
        const size_t scheme = url.find("://");
        if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
        std::string host(url.substr(0, url.find_first_of("/?#:@")));
        for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool ok = !host.empty() && host.front() != '.' && host.back() != '.';
        for (char c : host) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_');
        if (ok) hosts.push_back(host);
    });
    ASSERT_TRUE(n.ok());
    ASSERT_GT(hosts.size(), 20000u);
    size_t compared = 0;
    for (const std::string& h : hosts) {
        if (h.find("..") != std::string::npos) continue;  // libpsl rejects empty labels differently
        EXPECT_EQ(indexed->registrable_domain(h), reference->registrable_domain(h)) << h;
        EXPECT_EQ(indexed->public_suffix(h), reference->public_suffix(h)) << h;
        EXPECT_EQ(indexed->is_public_suffix(h), reference->is_public_suffix(h)) << h;
        const auto parts = indexed->split(h);
        EXPECT_EQ(parts.registrable, reference->registrable_domain(h)) << h;
        EXPECT_EQ(parts.suffix, reference->public_suffix(h)) << h;
        ++compared;
    }
    EXPECT_GT(compared, 20000u);
}

}  // namespace
