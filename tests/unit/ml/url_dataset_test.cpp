// Loading the tiny fixtures in tests/data (CSV with quotes, plain lists, domain lists, gzip),
// de-duplication, the split and the domain hold-out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "vigil/ml/url_dataset.hpp"

namespace vigil::ml {
namespace {

const std::filesystem::path kData = std::filesystem::path(VIGIL_SOURCE_DIR) / "tests" / "data";

const domain::PublicSuffixList& psl() {
    static const domain::PublicSuffixList list = [] {
        auto r = domain::PublicSuffixList::load_default();
        if (!r) throw std::runtime_error(r.error().message);
        return std::move(*r);
    }();
    return list;
}

Result<UrlDataset> load(DataSpec spec) { return load_url_data(std::span<const DataSpec>(&spec, 1), psl()); }

std::vector<std::string> urls_of(const UrlDataset& d) {
    std::vector<std::string> out;
    for (const auto& r : d.rows) out.push_back(r.url);
    return out;
}

TEST(UrlDataset, CsvWithQuotesCommasAndArtefacts) {
    auto d = load({.path = kData / "urls_quoted.csv"});
    ASSERT_TRUE(d.ok()) << d.error().message;
    ASSERT_EQ(d->sources.size(), 1u);
    const SourceInfo& s = d->sources[0];
    EXPECT_EQ(s.records, 6u);           // blank line not counted
    EXPECT_EQ(s.skipped_malformed, 1u);  // the quoted field spanning two lines
    EXPECT_EQ(s.kept, 5u);
    EXPECT_EQ(s.positives, 2u);
    EXPECT_EQ(s.negatives, 3u);
    EXPECT_EQ(s.unescaped_amp, 1u);
    EXPECT_NE(s.description.find("positive=1"), std::string::npos) << s.description;
    EXPECT_EQ(s.sha256.size(), 64u);
    auto urls = urls_of(*d);
    EXPECT_NE(std::find(urls.begin(), urls.end(), "paypal.com.secure-login.tk/webscr?cmd=_login,step=2"), urls.end());
    EXPECT_NE(std::find(urls.begin(), urls.end(), "docs.example.org/say \"hello\"/index.html"), urls.end());
    EXPECT_NE(std::find(urls.begin(), urls.end(), "shop.example.net/products?id=42&ref=home"), urls.end());
    EXPECT_EQ(d->rows[1].label, 1);
    EXPECT_EQ(d->rows[0].label, 0);
}

TEST(UrlDataset, HannousseStatusColumnIsDetected) {
    auto d = load({.path = kData / "urls_hannousse.csv"});
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->sources[0].positives, 2u);
    EXPECT_EQ(d->sources[0].negatives, 2u);
    EXPECT_NE(d->sources[0].description.find("label=status positive=phishing"), std::string::npos);
    EXPECT_EQ(d->rows[3].url, "http://rgipt.ac.in");
    EXPECT_EQ(d->rows[3].label, 0);
}

TEST(UrlDataset, ExplicitColumnsAndPositiveValue) {
    // Treat "legitimate" as the positive value: the labels flip.
    auto d = load({.path = kData / "urls_hannousse.csv", .labels = LabelSource::kColumn, .url_col = "url",
                   .label_col = "status", .positive = "legitimate"});
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->rows[0].label, 1);
    EXPECT_EQ(d->rows[1].label, 0);
    auto missing = load({.path = kData / "urls_hannousse.csv", .labels = LabelSource::kColumn, .label_col = "nope"});
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
}

TEST(UrlDataset, PlainListNeedsALabelForEveryRow) {
    auto unlabeled = load({.path = kData / "urls_list.csv"});
    ASSERT_FALSE(unlabeled.ok());
    EXPECT_NE(unlabeled.error().message.find("--all-positive"), std::string::npos);

    auto d = load({.path = kData / "urls_list.csv", .labels = LabelSource::kAllPositive});
    ASSERT_TRUE(d.ok()) << d.error().message;
    ASSERT_EQ(d->rows.size(), 3u);  // comment and blank line skipped; the comma stays in the URL
    EXPECT_EQ(d->rows[1].url, "http://192.168.10.5/bank/login.php?x=1,2");
    for (const auto& r : d->rows) EXPECT_EQ(r.label, 1);
    auto neg = load({.path = kData / "urls_list.csv", .labels = LabelSource::kAllNegative});
    ASSERT_TRUE(neg.ok());
    for (const auto& r : neg->rows) EXPECT_EQ(r.label, 0);
}

TEST(UrlDataset, DomainListsBecomeLegitimateHomepages) {
    auto d = load({.path = kData / "urls_domains.csv"});
    ASSERT_TRUE(d.ok()) << d.error().message;
    ASSERT_EQ(d->rows.size(), 5u);
    EXPECT_EQ(d->rows[0].url, "https://google.com/");
    EXPECT_EQ(d->rows[3].url, "https://bbc.co.uk/");
    for (const auto& r : d->rows) EXPECT_EQ(r.label, 0);
    // --all-negative on a rank,domain file means the same.
    auto neg = load({.path = kData / "urls_domains.csv", .labels = LabelSource::kAllNegative});
    ASSERT_TRUE(neg.ok());
    EXPECT_EQ(urls_of(*neg), urls_of(*d));
}

TEST(UrlDataset, MixedHomepagesAreDeterministicAndVaried) {
    auto a = load({.path = kData / "urls_domains.csv", .homepage_style = HomepageStyle::kMixed});
    auto b = load({.path = kData / "urls_domains.csv", .homepage_style = HomepageStyle::kMixed});
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(urls_of(*a), urls_of(*b));
    for (const auto& r : a->rows) EXPECT_NE(r.url.find('.'), std::string::npos);
}

TEST(UrlDataset, DomainHalvesPartitionTheLegitimateRows) {
    auto train = load({.path = kData / "urls_domains.csv", .domain_half = DomainHalf::kTrain});
    auto held = load({.path = kData / "urls_domains.csv", .domain_half = DomainHalf::kHeldOut});
    ASSERT_TRUE(train.ok() && held.ok());
    EXPECT_EQ(train->rows.size() + held->rows.size(), 5u);
    EXPECT_EQ(train->sources[0].skipped_domain_half, held->rows.size());
    for (const auto& r : held->rows) EXPECT_TRUE(in_heldout_half(registrable_domain_of(r.url, psl()))) << r.url;
    for (const auto& r : train->rows) EXPECT_FALSE(in_heldout_half(registrable_domain_of(r.url, psl()))) << r.url;
    // Phishing rows are never dropped by the domain hold-out.
    auto phish = load({.path = kData / "urls_list.csv", .labels = LabelSource::kAllPositive,
                       .domain_half = DomainHalf::kHeldOut});
    ASSERT_TRUE(phish.ok());
    EXPECT_EQ(phish->rows.size(), 3u);
}

TEST(UrlDataset, OnlyDomainsKeepsRowsOfListedRegistrableDomains) {
    const auto list = std::filesystem::temp_directory_path() / "vigil_only_domains_test.csv";
    std::ofstream(list) << "1,crestonwood.com\n2,duilawyeryork.com\n";
    DataSpec spec;
    spec.path = kData / "urls_hannousse.csv";
    spec.only_domains = list;
    auto d = load(spec);
    std::filesystem::remove(list);
    ASSERT_TRUE(d.ok()) << d.error().message;
    // www.crestonwood.com (legitimate) and support-appleld.com.secureupdate.duilawyeryork.com (phishing).
    ASSERT_EQ(d->rows.size(), 2u);
    EXPECT_EQ(d->rows[0].label, 0);
    EXPECT_EQ(d->rows[1].label, 1);
    EXPECT_EQ(d->sources[0].skipped_not_listed, 2u);
}

TEST(UrlDataset, GzipAndDeduplication) {
    auto d = load({.path = kData / "urls_ebbu.csv.gz"});
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->rows.size(), 4u);
    EXPECT_EQ(d->rows[2].url, "http://paypal-login.example-verify.com/index.php?a=1&b=2");
    EXPECT_EQ(d->rows[2].label, 1);
    deduplicate(*d);
    EXPECT_EQ(d->rows.size(), 3u);
    EXPECT_EQ(d->sources[0].duplicates, 1u);
    EXPECT_EQ(d->sources[0].kept, 3u);
    EXPECT_EQ(d->sources[0].negatives, 2u);
}

TEST(UrlDataset, DeduplicationAcrossSchemesAndConflictingLabels) {
    UrlDataset d;
    d.sources.resize(1);
    auto add = [&](std::string url, int label) {
        d.rows.push_back({std::move(url), label, 1.0f, 0});
        ++d.sources[0].kept;
        ++(label ? d.sources[0].positives : d.sources[0].negatives);
    };
    add("example.com/a", 0);
    add("http://EXAMPLE.com/a", 0);       // same URL spelled differently
    add("https://example.com/a#frag", 0);  // scheme and fragment do not matter
    add("evil.test/login", 1);
    add("http://evil.test/login", 0);  // both labels: dropped entirely
    add("other.test/x", 1);
    deduplicate(d);
    ASSERT_EQ(d.rows.size(), 2u);
    EXPECT_EQ(d.rows[0].url, "example.com/a");
    EXPECT_EQ(d.rows[1].url, "other.test/x");
    EXPECT_EQ(d.sources[0].duplicates, 2u);
    EXPECT_EQ(d.sources[0].conflicts, 2u);
    EXPECT_EQ(d.sources[0].kept, 2u);
}

TEST(UrlDataset, SplitIsDeterministicAndStratified) {
    EXPECT_EQ(fnv1a64(""), 14695981039346656037ull);
    EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);  // FNV-1a 64 reference value
    // Two classes with different URL shapes; each is split close to 80/10/10.
    for (int label = 0; label < 2; ++label) {
        size_t counts[3] = {0, 0, 0};
        const int n = 20000;
        for (int i = 0; i < n; ++i) {
            std::string url = label ? "login-" + std::to_string(i) + ".phish.test/verify?id=" + std::to_string(i * 7)
                                    : "www.site" + std::to_string(i) + ".com/page/" + std::to_string(i);
            Split s = split_of_key(url_key(url));
            EXPECT_EQ(s, split_of_key(url_key(url)));
            ++counts[static_cast<int>(s)];
        }
        EXPECT_NEAR(counts[0] / double(n), 0.8, 0.015) << "label " << label;
        EXPECT_NEAR(counts[1] / double(n), 0.1, 0.01) << "label " << label;
        EXPECT_NEAR(counts[2] / double(n), 0.1, 0.01) << "label " << label;
    }
    // The same URL with or without a scheme lands in the same split.
    EXPECT_EQ(split_of_key(url_key("example.com/a/b")), split_of_key(url_key("https://example.com/a/b")));
}

TEST(UrlDataset, MissingFileIsAnError) {
    auto d = load({.path = kData / "does_not_exist.csv"});
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace vigil::ml
