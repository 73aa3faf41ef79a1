#pragma once
// RAII wrappers over the XGBoost 1.7 C API (DMatrix, Booster) and a deterministic binary trainer
// with early stopping. XGBoost is the training library and the reference for predictions and SHAP
// values; serving uses vigil::ml::Forest. Every C API failure becomes a vigil::Error carrying
// XGBGetLastError(); nothing throws across this boundary.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::ml {

// Dense row-major feature matrix with labels (1 = positive) and optional per-row weights.
// NaN marks a missing value.
struct DenseData {
    size_t num_rows = 0;
    size_t num_cols = 0;
    std::vector<float> values;   // num_rows * num_cols
    std::vector<float> labels;   // num_rows (may be empty for prediction-only data)
    std::vector<float> weights;  // empty or num_rows

    std::span<const float> row(size_t i) const { return {values.data() + i * num_cols, num_cols}; }
    Status validate() const;
};

// Seeded synthetic binary-classification data (a nonlinear ground truth with interactions, some
// NaNs), shared by tests and benchmarks so the engine can be checked against XGBoost anywhere.
DenseData make_synthetic_binary(size_t num_rows, size_t num_cols, double nan_fraction, uint64_t seed);

class DMatrix {
public:
    // Copies the data into XGBoost. labels/weights may be empty.
    static Result<DMatrix> from_dense(std::span<const float> values, size_t num_rows, size_t num_cols,
                                      std::span<const float> labels = {}, std::span<const float> weights = {});
    static Result<DMatrix> from_data(const DenseData& data);

    size_t num_rows() const { return num_rows_; }
    size_t num_cols() const { return num_cols_; }
    void* handle() const { return handle_.get(); }  // DMatrixHandle

private:
    DMatrix() = default;  // only the factories make one, so a handle is never null
    struct Free {
        void operator()(void* h) const;
    };
    std::unique_ptr<void, Free> handle_;
    size_t num_rows_ = 0;
    size_t num_cols_ = 0;
};

enum class PredictKind {
    kProbability = 0,  // transformed output (sigmoid for binary:logistic)
    kMargin = 1,       // raw margin
    kContribs = 2,     // exact TreeSHAP: num_cols + 1 values per row, last = bias
    kApproxContribs = 3,  // Saabas path attribution, same layout
};

class Booster {
public:
    // A booster that caches `train_cache` matrices (as XGBoosterCreate); may be empty.
    static Result<Booster> create(std::span<const DMatrix* const> train_cache = {});
    static Result<Booster> load_model(const std::filesystem::path& path);
    // JSON, UBJSON or legacy binary bytes, as XGBoosterLoadModelFromBuffer accepts.
    static Result<Booster> load_model_from_buffer(std::string_view bytes);

    Status set_param(const std::string& name, const std::string& value);
    Status update_one_iter(int iteration, const DMatrix& train);
    // XGBoost's evaluation string, e.g. "[3]\tvalid-logloss:0.4123".
    Result<std::string> eval_one_iter(int iteration, std::span<const DMatrix* const> dmats,
                                      std::span<const std::string> names);

    Result<int> boosted_rounds() const;
    Result<size_t> num_features() const;
    // Trees [begin, end) as a new booster (XGBoosterSlice, step 1).
    Result<Booster> slice(int begin_round, int end_round) const;

    Result<std::string> save_json() const;  // model as JSON text
    Status save_model(const std::filesystem::path& path) const;  // format from extension (.json, .ubj)

    // Batch prediction; rows-major output (kContribs: num_rows * (num_cols + 1)).
    Result<std::vector<float>> predict(const DMatrix& data, PredictKind kind = PredictKind::kProbability) const;
    // One row through XGBoosterPredictFromDense (in-place prediction, no DMatrix); NaN = missing.
    Result<float> predict_row(std::span<const float> row, PredictKind kind = PredictKind::kProbability) const;
    // SHAP values (or, with kApproxContribs, Saabas values) of one row; builds a one-row DMatrix
    // as a caller of XGBoost has to: in-place prediction does not do contributions.
    Status predict_row_contribs(std::span<const float> row, std::span<float> out,
                                PredictKind kind = PredictKind::kContribs) const;

    void* handle() const { return handle_.get(); }  // BoosterHandle

private:
    Booster() = default;  // only the factories make one, so a handle is never null
    struct Free {
        void operator()(void* h) const;
    };
    std::unique_ptr<void, Free> handle_;
};

enum class EvalMetric { kLogloss, kAuc };

struct TrainParams {
    int max_rounds = 300;
    // Stop after this many rounds without improvement and keep rounds [0, best]; 0 = train and
    // keep all max_rounds (best_iteration is still reported).
    int early_stopping_rounds = 30;
    EvalMetric metric = EvalMetric::kLogloss;
    int max_depth = 6;
    double eta = 0.1;
    double min_child_weight = 1.0;
    double subsample = 1.0;
    double colsample_bytree = 1.0;
    double lambda = 1.0;
    double gamma = 0.0;
    double scale_pos_weight = 1.0;
    int max_bin = 256;
    uint64_t seed = 42;
    int nthread = 0;  // 0 = XGBoost default
    // Further XGBoost parameters passed verbatim (applied last).
    std::vector<std::pair<std::string, std::string>> extra;
};

struct TrainOutput {
    std::string model_json;       // trimmed to rounds [0, best_iteration] when early stopping is on
    int best_iteration = 0;       // 0-based round with the best validation metric
    int rounds_trained = 0;       // rounds run before stopping
    double best_score = 0.0;
    std::string metric_name;      // "logloss" or "auc"
    std::vector<double> valid_curve;  // validation metric after each round
};

// Called after every round with (round index, max_rounds, validation metric).
using TrainProgress = std::function<void(int iteration, int max_rounds, double valid_metric)>;

// binary:logistic, tree_method=hist, deterministic for a given seed and data.
Result<TrainOutput> train_binary(const DenseData& train, const DenseData& valid, const TrainParams& params,
                                 const TrainProgress& progress = {});

}  // namespace vigil::ml
