#pragma once
// The URL model pipeline behind `vigil train url` and `vigil eval url`, free of argv parsing so
// tests can drive it: features for a data set, the split, XGBoost training with early stopping,
// the threshold rule, test metrics, and the artifact directory (model, metadata, report).
#include <array>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/features/url_features.hpp"
#include "vigil/ml/artifact.hpp"
#include "vigil/ml/metrics.hpp"
#include "vigil/ml/url_dataset.hpp"
#include "vigil/ml/xgboost.hpp"

namespace vigil::ml {

// Defaults for URL models: 2 threads, depth 6, eta 0.1, row/column subsampling 0.8, up to 300
// rounds with early stopping after 30 rounds without a better validation logloss.
TrainParams default_url_train_params();

struct UrlTrainOptions {
    TrainParams xgb = default_url_train_params();
    // Threshold rule: maximise validation F1 subject to validation FPR <= max_fpr; or, when
    // min_recall > 0, the highest threshold whose validation recall is >= min_recall.
    double max_fpr = 0.01;
    double min_recall = 0.0;
    // Scale phishing weights so both classes carry the same total weight in training.
    bool balance_classes = true;
    // Extra weight factor for phishing URLs that are bare hosts (no path, no query): they are rare
    // in the labelled sets next to tens of thousands of legitimate homepages.
    double phishing_homepage_weight = 1.0;
    std::string name = "vigil-url-xgb";
    std::string version = "dev";
    // The brand (popular-domain) list the feature extractor was built with; recorded with its
    // sha256 in metadata.json because brand features depend on it.
    std::filesystem::path brand_list;
};

struct SplitCounts {
    size_t positives = 0, negatives = 0;
};

struct SourceMetrics {
    std::string path;
    BinaryMetrics test;  // this source's rows of the test split
};

struct UrlTrainResult {
    TrainOutput model;   // XGBoost JSON and early-stopping details
    double threshold = 0.5;
    BinaryMetrics valid;  // at the chosen threshold
    BinaryMetrics test;
    std::vector<CurvePoint> test_roc, test_pr;
    std::array<SplitCounts, 3> counts{};  // by Split
    std::vector<SourceMetrics> test_by_source;
    size_t unparseable = 0;     // rows dropped because the URL did not parse
    double feature_seconds = 0;
    double train_seconds = 0;
    std::string created_utc;    // ISO 8601
};

// Progress of the XGBoost rounds (see TrainProgress in xgboost.hpp).
using UrlTrainProgress = TrainProgress;

// Trains on `data` (already de-duplicated by the caller if wanted), splitting every row by
// split_of_key(url_key(url)). Fails when a split lacks one of the classes.
Result<UrlTrainResult> train_url_model(const UrlDataset& data, const features::UrlFeatureExtractor& extractor,
                                       const UrlTrainOptions& options, const UrlTrainProgress& progress = {});

// Writes model.json, metadata.json and report/{roc.svg,pr.svg,confusion.svg,summary.md} into
// `dir` (created if needed).
Status write_url_artifact(const std::filesystem::path& dir, const UrlTrainResult& result, const UrlDataset& data,
                          const UrlTrainOptions& options);

// Keeps only the rows of one split (as the training run assigned them).
void keep_split(UrlDataset& data, Split split);

struct UrlScores {
    std::vector<float> scores;
    std::vector<int> labels;
    std::vector<uint16_t> sources;
    std::vector<const UrlRow*> urls;  // the scored rows, in order (rows that did not parse are absent)
    size_t unparseable = 0;
};

// Model probability of every row that parses (the served engine: Forest).
UrlScores score_urls(const Forest& forest, const UrlDataset& data, const features::UrlFeatureExtractor& extractor);

}  // namespace vigil::ml
