#include <gtest/gtest.h>

#include "vigil/core/data_dir.hpp"
#include "vigil/domain/brand_list.hpp"

namespace {

using vigil::domain::BrandList;
using vigil::domain::PublicSuffixList;

const PublicSuffixList& psl() {
    static const PublicSuffixList list = std::move(PublicSuffixList::load_default().value());
    return list;
}

const BrandList& top10k() {
    static const BrandList list = [] {
        auto r = BrandList::load(vigil::data_dir(VIGIL_SOURCE_DIR) / "domains" / "top-10000.csv.gz", psl());
        EXPECT_TRUE(r.ok()) << r.error().message;
        return std::move(r.value());
    }();
    return list;
}

std::vector<std::string> brands_in(const BrandList& list, std::string_view text) {
    std::vector<std::string> out;
    list.for_each_brand(text, [&](std::string_view b, size_t, size_t) { out.emplace_back(b); });
    return out;
}

TEST(BrandList, LoadsTopDomains) {
    const BrandList& b = top10k();
    EXPECT_GE(b.size(), 10000u);
    EXPECT_TRUE(b.contains_domain("google.com"));
    EXPECT_EQ(b.rank("google.com"), 1u);
    EXPECT_TRUE(b.contains_domain("paypal.com"));
    EXPECT_GT(b.rank("paypal.com"), 0u);
    EXPECT_EQ(b.rank("surely-not-a-popular-domain.example"), 0u);
    EXPECT_GT(b.brand_count(), 5000u);
}

TEST(BrandList, BrandLabels) {
    const BrandList& b = top10k();
    EXPECT_TRUE(b.is_brand_label("paypal"));
    EXPECT_TRUE(b.is_brand_label("google"));
    EXPECT_TRUE(b.is_brand_label("ebay"));
    EXPECT_EQ(b.brand_rank("google"), 1u);
    // Generic words and short labels never count as brands.
    for (const char* word : {"mail", "news", "online", "live", "shop", "bank", "blog", "info", "home", "free",
                             "cloud", "login", "t", "vk"}) {
        EXPECT_FALSE(b.is_brand_label(word)) << word;
    }
}

TEST(BrandList, StopWords) {
    EXPECT_TRUE(BrandList::is_stop_word("mail"));
    EXPECT_TRUE(BrandList::is_stop_word("zone"));
    EXPECT_FALSE(BrandList::is_stop_word("paypal"));
}

TEST(BrandList, FromDomainsUsesPublicSuffix) {
    const BrandList b = BrandList::from_domains({"paypal.com", "google.co.uk", "mail.ru", "ebay.com"}, psl());
    EXPECT_EQ(b.size(), 4u);
    EXPECT_TRUE(b.is_brand_label("paypal"));
    EXPECT_TRUE(b.is_brand_label("google"));
    EXPECT_FALSE(b.is_brand_label("mail"));
    EXPECT_FALSE(b.is_brand_label("co"));
    EXPECT_EQ(b.rank("google.co.uk"), 2u);
}

TEST(BrandList, MatchingRules) {
    const BrandList b = BrandList::from_domains({"paypal.com", "ebay.com"}, psl());
    // Long brands match inside words, short (4-letter) ones only between separators.
    EXPECT_EQ(brands_in(b, "secure-paypalaccount"), std::vector<std::string>{"paypal"});
    EXPECT_EQ(brands_in(b, "www.ebay.com.signin"), std::vector<std::string>{"ebay"});
    EXPECT_TRUE(brands_in(b, "webayer").empty());
    EXPECT_EQ(brands_in(b, "EBAY-login"), std::vector<std::string>{"ebay"});
}

TEST(BrandList, MissingFileIsAnError) {
    auto r = BrandList::load("/nonexistent/top.csv", psl());
    EXPECT_FALSE(r.ok());
}

}  // namespace
