#pragma once
// The traffic model pipeline behind `vigil train traffic`, free of argv parsing so tests drive it:
// stratified train/validation split, preprocessing fitted on the training rows, then each
// requested learner (gb, rf, svm, nn) with a binary head and one-vs-rest family heads, the
// threshold and the metrics on validation through the same code that serves the model, the
// selection of the best candidate, and the artifact directory with its report.
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/ml/metrics.hpp"
#include "vigil/ml/xgboost.hpp"
#include "vigil/traffic/artifact.hpp"
#include "vigil/traffic/dataset.hpp"
#include "vigil/traffic/linear_model.hpp"
#include "vigil/traffic/mlp.hpp"
#include "vigil/traffic/preprocess.hpp"

namespace vigil::traffic {

struct TrafficTrainOptions {
    std::vector<std::string> algorithms = {"gb", "rf", "svm", "nn"};
    PreprocessOptions preprocess;
    double valid_fraction = 0.2;
    uint64_t seed = 42;
    // Threshold rule (on validation). kRecallAtFpr (default): the lowest threshold whose
    // validation FPR stays <= max_fpr, i.e. the false-alarm budget is spent on recall, because
    // real traffic (and KDDTest+) holds attack variants the training data lacks and a threshold
    // at the edge of the training attacks misses them. kF1: max F1 subject to FPR <= max_fpr.
    enum class ThresholdRule { kRecallAtFpr, kF1 } threshold_rule = ThresholdRule::kRecallAtFpr;
    double max_fpr = 0.01;
    ml::TrainParams gb = default_gb_params();
    ml::TrainParams rf = default_rf_params();
    LinearTrainParams svm;
    MlpTrainParams nn;
    std::string name = "vigil-traffic";
    std::string version = "dev";
    std::vector<std::string> data_files;  // recorded in metadata.json
    std::string data_format;

    static ml::TrainParams default_gb_params();  // depth 6, eta 0.1, up to 300 rounds, early stop 20
    static ml::TrainParams default_rf_params();  // 100 trees, depth 12, row 0.632 / column 0.5 sampling
};

struct CandidateResult {
    std::string algorithm;
    std::map<std::string, std::string> files;  // model files by name, metadata.json included
    double threshold = 0.5;         // by the options' rule
    double threshold_recall = 0.5;  // what each rule picks on the same validation scores
    double threshold_f1 = 0.5;
    ml::BinaryMetrics valid;
    std::vector<ml::CurvePoint> valid_roc;
    double family_accuracy = 0;
    std::vector<double> family_recall;  // per family, [0] = normal
    std::vector<std::vector<size_t>> family_confusion;  // [true][predicted]
    double train_seconds = 0;
    double us_per_prediction = 0;  // served path (encode excluded): binary + family heads, one row at a time
};

struct TrafficTrainResult {
    std::vector<CandidateResult> candidates;
    size_t best = 0;
    std::vector<std::string> families;  // attack families with heads
    size_t train_rows = 0, valid_rows = 0, num_features = 0;
    std::string created_utc;
    std::string threshold_rule;  // in words, for the report
};

// (stage such as "gb binary", iteration, total, validation metric)
using TrafficProgress = std::function<void(const std::string& stage, int iteration, int total, double metric)>;

Result<TrafficTrainResult> train_traffic_models(const TrafficData& data, const TrafficTrainOptions& options,
                                                const TrafficProgress& progress = {});

// The best candidate's files, metadata and report into `dir`; with `keep_candidates`, every
// candidate as a complete artifact in dir/candidates/<algorithm>/.
Status write_traffic_artifacts(const std::filesystem::path& dir, const TrafficTrainResult& result, bool keep_candidates);

// Selection rule: highest validation F1 at each candidate's threshold; ties (within 1e-4) go
// to the higher ROC-AUC, then to the faster model.
size_t select_best(const std::vector<CandidateResult>& candidates);

// The lowest distinct score s such that "score >= s" keeps FPR <= max_fpr on these rows (all
// rows flagged when there are no negatives; above the top score when even the top breaks it).
double threshold_at_fpr(std::span<const float> scores, std::span<const int> labels, double max_fpr);

}  // namespace vigil::traffic
