// End to end through the reusable pipeline: a generated CSV of a few hundred URLs -> load ->
// train (XGBoost) -> artifact directory -> load_artifact (native Forest) -> evaluate; plus the
// artifact's refusal of mismatched features.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <algorithm>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "vigil/core/text_file.hpp"
#include "vigil/features/url_features.hpp"
#include "vigil/ml/artifact.hpp"
#include "vigil/ml/url_training.hpp"

namespace vigil::ml {
namespace {

namespace fs = std::filesystem;

// Plausible URL shapes: legitimate ones are short hosts with readable paths (and some
// homepages); phishing ones stack brand names, hyphens, odd TLDs, IP hosts and long tokens.
std::string make_url(int label, std::mt19937_64& rng) {
    static const char* words[] = {"news", "shop", "garden", "travel", "river", "cloud", "music", "photo",
                                  "kitchen", "school", "energy", "market", "health", "sport", "forum", "books"};
    static const char* tlds[] = {".com", ".org", ".net", ".de", ".co.uk"};
    static const char* bad_tlds[] = {".tk", ".ml", ".xyz", ".top", ".ga"};
    static const char* brands[] = {"paypal", "apple", "microsoft", "amazon", "netflix"};
    auto pick = [&](auto& arr) { return std::string(arr[rng() % (sizeof(arr) / sizeof(arr[0]))]); };
    auto hex = [&](int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s += "0123456789abcdef"[rng() % 16];
        return s;
    };
    if (label == 0) {
        std::string host = (rng() % 2 ? "www." : "") + pick(words) + pick(words) + pick(tlds);
        std::string scheme = rng() % 3 == 0 ? "" : (rng() % 2 ? "https://" : "http://");
        if (rng() % 5 == 0) return scheme + host + "/";
        std::string path = "/" + pick(words);
        if (rng() % 2) path += "/" + pick(words) + "-" + pick(words) + ".html";
        return scheme + host + path;
    }
    switch (rng() % 3) {
        case 0:
            return "http://" + pick(brands) + "-" + pick(words) + "-verify" + std::to_string(rng() % 1000) +
                   pick(bad_tlds) + "/login.php?session=" + hex(24);
        case 1:
            return "http://" + std::to_string(rng() % 223 + 1) + "." + std::to_string(rng() % 255) + "." +
                   std::to_string(rng() % 255) + "." + std::to_string(rng() % 255) + "/" + pick(brands) +
                   "/signin/update-account/" + hex(16) + "/index.php";
        default:
            return pick(brands) + ".com.secure-login." + pick(words) + "-" + hex(6) + pick(bad_tlds) +
                   "/webscr/cmd=_login-submit&dispatch=" + hex(32);
    }
}

const domain::PublicSuffixList& load_psl() {
    static domain::PublicSuffixList psl = [] {
        auto r = domain::PublicSuffixList::load_default();
        if (!r) throw std::runtime_error(r.error().message);
        return std::move(*r);
    }();
    return psl;
}

// Trains once for all tests in this file.
class UrlTrainingTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("vigil_url_training_test_" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        std::mt19937_64 rng(7);
        {
            std::ofstream csv(dir_ / "tiny.csv");
            csv << "url,label\n";
            for (int i = 0; i < 600; ++i) {
                int label = i % 2;
                csv << '"' << make_url(label, rng) << "\"," << label << "\n";
            }
        }
        brands_ = new domain::BrandList(domain::BrandList::from_domains(
            {"paypal.com", "apple.com", "microsoft.com", "amazon.com", "netflix.com", "google.com"}, load_psl()));
        DataSpec spec{.path = dir_ / "tiny.csv"};
        auto data = load_url_data(std::span<const DataSpec>(&spec, 1), load_psl());
        ASSERT_TRUE(data.ok()) << data.error().message;
        deduplicate(*data);
        data_ = new UrlDataset(std::move(*data));
        options_.xgb.max_rounds = 40;
        options_.xgb.max_depth = 3;
        options_.xgb.nthread = 1;
        options_.max_fpr = 0.05;
        options_.version = "test";
        features::UrlFeatureExtractor extractor(load_psl(), *brands_);
        int calls = 0;
        auto result = train_url_model(*data_, extractor, options_, [&](int, int, double) { ++calls; });
        ASSERT_TRUE(result.ok()) << result.error().message;
        ASSERT_GT(calls, 0);
        result_ = new UrlTrainResult(std::move(*result));
        Status st = write_url_artifact(dir_ / "model", *result_, *data_, options_);
        ASSERT_TRUE(st.ok()) << st.error().message;
    }
    static void TearDownTestSuite() {
        delete result_;
        delete data_;
        delete brands_;
        fs::remove_all(dir_);
    }

    // Copies the artifact and edits its metadata.
    static fs::path edited_copy(const std::string& name, const std::function<void(boost::json::object&)>& edit) {
        fs::path copy = dir_ / name;
        fs::remove_all(copy);
        fs::copy(dir_ / "model", copy, fs::copy_options::recursive);
        auto text = read_file(copy / "metadata.json");
        EXPECT_TRUE(text.ok());
        boost::json::value v = boost::json::parse(*text);
        edit(v.as_object());
        std::ofstream(copy / "metadata.json", std::ios::trunc) << boost::json::serialize(v);
        return copy;
    }

    static inline fs::path dir_;
    static inline domain::BrandList* brands_ = nullptr;
    static inline UrlDataset* data_ = nullptr;
    static inline UrlTrainResult* result_ = nullptr;
    static inline UrlTrainOptions options_;
};

TEST_F(UrlTrainingTest, TrainsAndReportsTestMetrics) {
    const UrlTrainResult& r = *result_;
    size_t total = 0;
    for (const auto& c : r.counts) total += c.positives + c.negatives;
    EXPECT_EQ(total + r.unparseable, data_->rows.size());
    EXPECT_GT(r.counts[2].positives, 10u);
    EXPECT_GT(r.counts[2].negatives, 10u);
    EXPECT_EQ(r.test.n, r.counts[2].positives + r.counts[2].negatives);
    // The generated classes are easy to tell apart; a broken pipeline (labels, features,
    // split) would not get here.
    EXPECT_GT(r.test.roc_auc, 0.95);
    EXPECT_GT(r.test.recall, 0.8);
    EXPECT_LE(r.valid.fpr, options_.max_fpr + 1e-12);
    EXPECT_GE(r.model.best_iteration, 0);
    EXPECT_LE(r.model.rounds_trained, 40);
    ASSERT_EQ(r.test_by_source.size(), 1u);
    EXPECT_EQ(r.test_by_source[0].test.n, r.test.n);
}

TEST_F(UrlTrainingTest, ArtifactRoundTripScoresLikeTraining) {
    for (const char* f : {"model.json", "metadata.json", "report/roc.svg", "report/pr.svg", "report/confusion.svg",
                          "report/summary.md"}) {
        EXPECT_TRUE(fs::exists(dir_ / "model" / f)) << f;
    }
    auto art = load_artifact(dir_ / "model");
    ASSERT_TRUE(art.ok()) << art.error().message;
    EXPECT_EQ(art->name, options_.name);
    EXPECT_EQ(art->version, "test");
    EXPECT_DOUBLE_EQ(art->threshold, result_->threshold);
    EXPECT_EQ(art->features_version, features::kFeaturesVersion);
    ASSERT_EQ(art->feature_names.size(), features::kNumFeatures);
    EXPECT_EQ(art->forest.num_features(), features::kNumFeatures);

    // Metadata records the data file with its sha256 and the test metrics.
    auto meta = boost::json::parse(art->metadata_json).as_object();
    auto digest = sha256_file(dir_ / "tiny.csv");
    ASSERT_TRUE(digest.ok());
    EXPECT_EQ(meta.at("data").as_array().at(0).as_object().at("sha256").as_string(), *digest);
    EXPECT_NEAR(meta.at("metrics").as_object().at("test").as_object().at("roc_auc").to_number<double>(),
                result_->test.roc_auc, 1e-12);
    EXPECT_TRUE(meta.contains("best_iteration"));
    EXPECT_TRUE(meta.contains("created"));
    EXPECT_EQ(meta.at("feature_names").as_array().size(), features::kNumFeatures);
    EXPECT_EQ(meta.at("threshold_rule").as_object().at("max_fpr").to_number<double>(), options_.max_fpr);

    // Evaluating the test split with the native forest gives the training run's test metrics.
    UrlDataset test = *data_;
    keep_split(test, Split::kTest);
    features::UrlFeatureExtractor extractor(load_psl(), *brands_);
    UrlScores scored = score_urls(art->forest, test, extractor);
    BinaryMetrics m = evaluate(scored.scores, scored.labels, art->threshold);
    EXPECT_EQ(m.n, result_->test.n);
    EXPECT_NEAR(m.roc_auc, result_->test.roc_auc, 1e-6);
    EXPECT_EQ(m.confusion.tp, result_->test.confusion.tp) << "threshold " << art->threshold << " max score " << *std::max_element(scored.scores.begin(), scored.scores.end());
    EXPECT_EQ(m.confusion.fp, result_->test.confusion.fp);
}

TEST_F(UrlTrainingTest, RefusesAnotherFeaturesVersion) {
    auto dir = edited_copy("bad_version", [](boost::json::object& m) {
        m["features_version"] = features::kFeaturesVersion + 1;
    });
    auto art = load_artifact(dir);
    ASSERT_FALSE(art.ok());
    EXPECT_EQ(art.error().code, ErrorCode::kMismatch);
    EXPECT_NE(art.error().message.find("features_version " + std::to_string(features::kFeaturesVersion + 1)),
              std::string::npos)
        << art.error().message;
}

TEST_F(UrlTrainingTest, RefusesOtherFeatureNames) {
    auto dir = edited_copy("bad_name", [](boost::json::object& m) {
        m["feature_names"].as_array()[3] = "not_a_feature";
    });
    auto art = load_artifact(dir);
    ASSERT_FALSE(art.ok());
    EXPECT_EQ(art.error().code, ErrorCode::kMismatch);
    EXPECT_NE(art.error().message.find("not_a_feature"), std::string::npos) << art.error().message;

    auto fewer = edited_copy("fewer_names", [](boost::json::object& m) { m["feature_names"].as_array().pop_back(); });
    auto art2 = load_artifact(fewer);
    ASSERT_FALSE(art2.ok());
    EXPECT_EQ(art2.error().code, ErrorCode::kMismatch);
}

TEST_F(UrlTrainingTest, MissingOrBrokenArtifactsAreClearErrors) {
    auto missing = load_artifact(dir_ / "nope");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
    auto dir = edited_copy("no_threshold", [](boost::json::object& m) { m.erase("threshold"); });
    auto art = load_artifact(dir);
    ASSERT_FALSE(art.ok());
    EXPECT_EQ(art.error().code, ErrorCode::kFormat);
    EXPECT_NE(art.error().message.find("threshold"), std::string::npos);
}

TEST(UrlTraining, FailsClearlyWithoutBothClasses) {
    UrlDataset d;
    d.sources.resize(1);
    for (int i = 0; i < 50; ++i) d.rows.push_back({"www.site" + std::to_string(i) + ".com/a", 0, 1.0f, 0});
    auto brands = domain::BrandList::from_domains({"example.com"}, load_psl());
    features::UrlFeatureExtractor extractor(load_psl(), brands);
    auto r = train_url_model(d, extractor, UrlTrainOptions{});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("both phishing and legitimate"), std::string::npos);
}

}  // namespace
}  // namespace vigil::ml
