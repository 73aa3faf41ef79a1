#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <set>
#include <string>

#include "vigil/core/data_dir.hpp"
#include "vigil/features/url_features.hpp"

namespace {

using namespace vigil::features;
using vigil::domain::BrandList;
using vigil::domain::PublicSuffixList;

class UrlFeatures : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        auto p = PublicSuffixList::load_default();
        ASSERT_TRUE(p.ok());
        psl_ = new PublicSuffixList(std::move(p.value()));
        auto b = BrandList::load(vigil::data_dir(VIGIL_SOURCE_DIR) / "domains" / "top-10000.csv.gz", *psl_);
        ASSERT_TRUE(b.ok()) << b.error().message;
        brands_ = new BrandList(std::move(b.value()));
        extractor_ = new UrlFeatureExtractor(*psl_, *brands_);
    }
    static void TearDownTestSuite() {
        delete extractor_;
        delete brands_;
        delete psl_;
    }

    static FeatureVector features(std::string_view url) {
        auto parsed = vigil::url::parse(url);
        EXPECT_TRUE(parsed.ok()) << url << ": " << (parsed.ok() ? "" : parsed.error().message);
        if (!parsed.ok()) return FeatureVector{};
        return extractor_->extract(parsed.value());
    }
    static float feature(std::string_view url, FeatureIndex i) { return features(url)[i]; }

    static std::string diff(const FeatureVector& a, const FeatureVector& b) {
        std::string out;
        for (size_t i = 0; i < kNumFeatures; ++i) {
            if (a[i] != b[i]) {
                out += std::string(feature_names()[i]) + ": " + std::to_string(a[i]) + " vs " + std::to_string(b[i]) + "\n";
            }
        }
        return out;
    }

    static PublicSuffixList* psl_;
    static BrandList* brands_;
    static UrlFeatureExtractor* extractor_;
};
PublicSuffixList* UrlFeatures::psl_ = nullptr;
BrandList* UrlFeatures::brands_ = nullptr;
UrlFeatureExtractor* UrlFeatures::extractor_ = nullptr;

TEST(FeatureNames, UniqueSnakeCaseAndComplete) {
    const auto names = feature_names();
    ASSERT_EQ(names.size(), kNumFeatures);
    EXPECT_GE(kNumFeatures, 60u);
    std::set<std::string_view> unique(names.begin(), names.end());
    EXPECT_EQ(unique.size(), names.size());
    for (std::string_view n : names) {
        ASSERT_FALSE(n.empty());
        for (char c : n) EXPECT_TRUE(std::islower(static_cast<unsigned char>(c)) || std::isdigit(c) || c == '_') << n;
    }
    EXPECT_EQ(names[kUrlLength], "url_length");
    EXPECT_EQ(names[kTldTokenOutsideSuffix], "tld_token_outside_suffix");
}

TEST_F(UrlFeatures, SchemeInvariance) {
    for (const char* tail : {"x.com/a", "paypal.com.evil.tk/webscr?cmd=login", "1.2.3.4:8080/x.php",
                             "user@bit.ly/abc", "xn--mlat-zra.com/%C3%A9", "a.b.example.co.uk/p/q/r.html?a=1&b=2"}) {
        const auto bare = features(tail);
        const auto http = features(std::string("http://") + tail);
        const auto https = features(std::string("https://") + tail);
        const auto upper = features(std::string("HTTPS://") + tail);
        EXPECT_EQ(bare, http) << tail << "\n" << diff(bare, http);
        EXPECT_EQ(bare, https) << tail << "\n" << diff(bare, https);
        EXPECT_EQ(bare, upper) << tail;
    }
}

TEST_F(UrlFeatures, TrailingSlashInvariance) {
    EXPECT_EQ(features("https://example.com"), features("https://example.com/"));
    EXPECT_EQ(features("example.com"), features("http://example.com/"));
    EXPECT_EQ(features("example.com?a=1"), features("example.com/?a=1"));
}

TEST_F(UrlFeatures, LeadingWwwInvariance) {
    EXPECT_EQ(features("www.example.com/login"), features("example.com/login"))
        << diff(features("www.example.com/login"), features("example.com/login"));
    EXPECT_EQ(features("https://www.paypal.com/"), features("paypal.com"));
    // Only a leading "www." label is ignored.
    EXPECT_NE(features("www2.example.com"), features("example.com"));
}

TEST_F(UrlFeatures, LengthsAndCounts) {
    const auto f = features("http://sub.example.com/a/b-c_d.php?x=1&y=2");
    EXPECT_EQ(f[kUrlLength], static_cast<float>(std::string("sub.example.com/a/b-c_d.php?x=1&y=2").size()));
    EXPECT_EQ(f[kHostLength], 15);
    EXPECT_EQ(f[kPathLength], 12);
    EXPECT_EQ(f[kQueryLength], 7);
    EXPECT_EQ(f[kRegistrableDomainLength], 11);
    EXPECT_EQ(f[kRegistrableLabelLength], 7);
    EXPECT_EQ(f[kPublicSuffixLength], 3);
    EXPECT_EQ(f[kSubdomainLength], 3);
    EXPECT_EQ(f[kUrlDotCount], 3);
    EXPECT_EQ(f[kUrlHyphenCount], 1);
    EXPECT_EQ(f[kUrlUnderscoreCount], 1);
    EXPECT_EQ(f[kUrlSlashCount], 2);
    EXPECT_EQ(f[kUrlQuestionCount], 1);
    EXPECT_EQ(f[kUrlEqualsCount], 2);
    EXPECT_EQ(f[kUrlAmpersandCount], 1);
    EXPECT_EQ(f[kUrlDigitCount], 2);
    EXPECT_EQ(f[kQueryParamCount], 2);
    EXPECT_EQ(f[kPathDepth], 2);
    EXPECT_EQ(f[kExtScriptPage], 1);
    EXPECT_EQ(f[kExtHtml], 0);
    EXPECT_EQ(f[kSubdomainDepth], 1);
    EXPECT_EQ(f[kTldGenericLegacy], 1);
    EXPECT_EQ(f[kTldCountryCode], 0);
}

TEST_F(UrlFeatures, SubdomainDepthUsesPublicSuffixList) {
    EXPECT_EQ(feature("a.b.example.co.uk", kSubdomainDepth), 2);
    EXPECT_EQ(feature("a.b.example.co.uk", kPublicSuffixLabelCount), 2);
    EXPECT_EQ(feature("a.b.example.co.uk", kTldCountryCode), 1);
    EXPECT_EQ(feature("user.appspot.com", kSubdomainDepth), 0);  // private suffix
    EXPECT_EQ(feature("user.appspot.com", kIsFreeHosting), 1);
    EXPECT_EQ(feature("example.com", kSubdomainDepth), 0);
}

TEST_F(UrlFeatures, IpHosts) {
    EXPECT_EQ(feature("http://3279880203/blah", kHostIsIpv4), 1);
    EXPECT_EQ(feature("http://195.127.0.11/blah", kHostIsIpv4), 1);
    EXPECT_EQ(feature("http://[2001:db8::1]/x", kHostIsIpv6), 1);
    EXPECT_EQ(feature("http://195.127.0.11/blah", kSubdomainDepth), 0);
    EXPECT_EQ(feature("http://195.127.0.11/blah", kTldCountryCode), 0);
    EXPECT_EQ(feature("example.com", kHostIsIpv4), 0);
}

TEST_F(UrlFeatures, UserinfoTrickAndPorts) {
    const auto f = features("http://paypal.com@evil.ru:8080/");
    EXPECT_EQ(f[kHasUserinfo], 1);
    EXPECT_EQ(f[kUrlAtCount], 1);
    EXPECT_EQ(f[kHasPort], 1);
    EXPECT_EQ(f[kPortNonStandard], 1);
    EXPECT_EQ(feature("evil.ru:443", kPortNonStandard), 0);
    EXPECT_EQ(feature("evil.ru", kHasPort), 0);
}

TEST_F(UrlFeatures, BrandsOutsideTheRegistrableDomain) {
    const auto f = features("paypal.com.secure-login.tk/webscr/paypal");
    EXPECT_EQ(f[kBrandInSubdomain], 1);
    EXPECT_EQ(f[kBrandInPathQuery], 1);
    EXPECT_EQ(f[kTldAbused], 1);
    EXPECT_GE(f[kSensitiveWordsHost], 2);  // secur, login
    EXPECT_EQ(f[kSensitiveWordsPathQuery], 1);  // webscr
    EXPECT_EQ(f[kTldTokenOutsideSuffix], 1);  // "com" label in the subdomain
    EXPECT_EQ(f[kRegistrablePopularity], 0);

    const auto real = features("www.paypal.com/signin/paypal");
    EXPECT_EQ(real[kBrandInPathQuery], 0);  // its own brand
    EXPECT_EQ(real[kBrandInRegistrableLabel], 0);
    EXPECT_GT(real[kRegistrablePopularity], 1);
    EXPECT_GT(feature("google.com", kRegistrablePopularity), real[kRegistrablePopularity]);
}

TEST_F(UrlFeatures, BrandEmbeddedInRegistrableLabel) {
    EXPECT_EQ(feature("paypal-secure.com", kBrandInRegistrableLabel), 1);
    EXPECT_EQ(feature("mypaypalaccount.net", kBrandInRegistrableLabel), 1);
    EXPECT_EQ(feature("paypal-login.000webhostapp.com", kBrandInRegistrableLabel), 1);
    EXPECT_EQ(feature("paypal-login.000webhostapp.com", kIsFreeHosting), 1);
    EXPECT_EQ(feature("paypal-login.000webhostapp.com", kRegistrablePopularity), 0);
    EXPECT_EQ(feature("a.paypal-login.000webhostapp.com", kSubdomainDepth), 1);
    EXPECT_EQ(feature("paypal.com", kBrandInRegistrableLabel), 0);
    EXPECT_EQ(feature("example.org", kBrandInRegistrableLabel), 0);
}

TEST_F(UrlFeatures, ShortenersAndFreeHosting) {
    EXPECT_EQ(feature("bit.ly/3xYz", kIsShortener), 1);
    EXPECT_EQ(feature("https://tinyurl.com/abc", kIsShortener), 1);
    EXPECT_EQ(feature("example.com/bit.ly", kIsShortener), 0);
    EXPECT_EQ(feature("sites.google.com/view/x", kIsFreeHosting), 1);
    EXPECT_EQ(feature("abc.weebly.com", kIsFreeHosting), 1);
    EXPECT_EQ(feature("notweebly.com", kIsFreeHosting), 0);
}

TEST_F(UrlFeatures, PathSignals) {
    const auto f = features("evil.com//redirect?u=http://paypal.com&email=bob@corp.com");
    EXPECT_EQ(f[kDoubleSlashInPath], 1);
    EXPECT_EQ(f[kEmbeddedUrlCount], 1);
    EXPECT_EQ(f[kEmailInPathQuery], 1);
    EXPECT_EQ(f[kTldTokenOutsideSuffix], 2);  // .com twice in the query
    EXPECT_EQ(feature("x.com/a/setup.EXE", kExtExecutableOrArchive), 1);
    EXPECT_EQ(feature("x.com/index.html", kExtHtml), 1);
    EXPECT_EQ(feature("x.com/app.js", kExtOther), 1);
    EXPECT_EQ(feature("x.com/dir.v2/", kExtOther), 0);  // a directory has no extension
    EXPECT_EQ(feature("x.com/a/" + std::string(32, 'f') + "0", kHexTokenCount), 1);
    EXPECT_EQ(feature("x.com/a/deadbeef", kHexTokenCount), 0);
    EXPECT_EQ(feature("x.com/aaaaab", kMaxRepeatedCharRun), 5);
    EXPECT_EQ(feature("x.com/id/1234567", kLongestDigitRun), 7);
    EXPECT_EQ(feature("x.com/?a=12345&b=1", kLongestQueryValue), 5);
}

TEST_F(UrlFeatures, CharacterRatiosAndEntropy) {
    const auto f = features("aaaa.aa/AAaa");
    EXPECT_FLOAT_EQ(f[kUrlUppercaseRatio], 2.0f / 10.0f);
    EXPECT_FLOAT_EQ(f[kHostEntropy], (-(6.0f / 7) * std::log2(6.0f / 7) - (1.0f / 7) * std::log2(1.0f / 7)));
    EXPECT_FLOAT_EQ(feature("aaaa.com", kUrlDigitRatio), 0.0f);
    EXPECT_FLOAT_EQ(feature("1111.com", kUrlDigitRatio), 0.5f);
    EXPECT_FLOAT_EQ(feature("1111.com", kHostDigitCount), 4.0f);
    EXPECT_FLOAT_EQ(feature("x.com/%41%42", kUrlPercentCount), 2.0f);
}

TEST_F(UrlFeatures, NonAsciiAndPunycode) {
    EXPECT_EQ(feature("http://www.\xC3\xBCmlat.com/", kPunycodeLabelCount), 1);
    EXPECT_EQ(feature("http://xn--mlat-zra.com/", kPunycodeLabelCount), 1);
    EXPECT_EQ(feature("http://x.com/caf\xC3\xA9", kNonAsciiCount), 2);  // encoded by parse: %C3%A9
    EXPECT_EQ(feature("http://x.com/cafe", kNonAsciiCount), 0);
}

TEST_F(UrlFeatures, ExtractOverwritesEveryValue) {
    FeatureVector v;
    v.fill(-12345.0f);
    extractor_->extract(vigil::url::parse("example.com").value(), v);
    for (size_t i = 0; i < kNumFeatures; ++i) EXPECT_NE(v[i], -12345.0f) << feature_names()[i];
    EXPECT_EQ(v, features("example.com"));
}

}  // namespace

namespace {

TEST_F(UrlFeatures, LookalikeFeatures) {
    // The protected domain itself and unrelated hosts: all zero.
    for (const char* url : {"https://www.paypal.com/signin", "https://example.org/", "http://1.2.3.4/x"}) {
        const auto f = features(url);
        EXPECT_EQ(f[kLookalikeMatch], 0.0f) << url;
        EXPECT_EQ(f[kLookalikeDistance], 0.0f) << url;
        EXPECT_EQ(f[kLookalikeTargetPopularity], 0.0f) << url;
    }
    const auto typo = features("http://paypall.com/login");
    EXPECT_EQ(typo[kLookalikeMatch], 1.0f);
    EXPECT_EQ(typo[kLookalikeDistance], 1.0f);
    EXPECT_EQ(typo[kLookalikeTyposquat], 1.0f);
    EXPECT_EQ(typo[kLookalikeHomoglyph], 0.0f);
    EXPECT_GT(typo[kLookalikeTargetPopularity], 1.0f);

    const auto idn = features("http://xn--pypal-4ve.com/");
    EXPECT_EQ(idn[kLookalikeMatch], 1.0f);
    EXPECT_EQ(idn[kLookalikeHomoglyph], 1.0f);

    const auto sub = features("http://paypal.com.account-verify.ru/webscr");
    EXPECT_EQ(sub[kLookalikeMatch], 1.0f);
    EXPECT_EQ(sub[kLookalikeDistance], 0.0f);
    EXPECT_EQ(sub[kLookalikeTyposquat], 0.0f);

    // Free hosting: the user's site name is what imitates the brand.
    const auto hosted = features("https://paypal-login.000webhostapp.com/");
    EXPECT_EQ(hosted[kLookalikeMatch], 1.0f);
    const std::string_view host = "paypal-login.000webhostapp.com";
    EXPECT_EQ(extractor_->lookalike().check(host, {host, host.substr(13)}).technique,
              vigil::domain::LookalikeTechnique::kDictionary);
    EXPECT_FALSE(extractor_->lookalike().check(host));  // by the PSL alone it is 000webhostapp.com's
}

}  // namespace
