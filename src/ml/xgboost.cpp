// RAII wrappers over the XGBoost 1.7 C API and the early-stopping binary trainer.
#include "vigil/ml/xgboost.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace vigil::ml {
namespace {

Error xgb_error(const char* what) {
    const char* msg = XGBGetLastError();
    return make_error(ErrorCode::kInternal, std::string("xgboost: ") + what + ": " + (msg ? msg : "unknown error"));
}

// Fixed "%.17g" formatting so parameters round-trip exactly and independently of the locale.
std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// __array_interface__ (version 3) describing a row-major float32 matrix in place.
std::string array_interface(const float* data, size_t rows, size_t cols) {
    char buf[160];
    std::snprintf(buf, sizeof buf, R"({"data":[%zu,true],"shape":[%zu,%zu],"typestr":"<f4","version":3})",
                  reinterpret_cast<size_t>(data), rows, cols);
    return buf;
}

std::string predict_config(PredictKind kind, bool inplace) {
    // "cache_id" is required by XGBoost 1.7's in-place predict; it rejects the config without it.
    std::string c = R"({"type":)" + std::to_string(static_cast<int>(kind)) +
                    R"(,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false)";
    if (inplace) c += R"(,"missing":NaN,"cache_id":0)";
    c += "}";
    return c;
}

}  // namespace

Status DenseData::validate() const {
    if (values.size() != num_rows * num_cols)
        return make_error(ErrorCode::kInvalidArgument, "dense data: values size != rows * cols");
    if (!labels.empty() && labels.size() != num_rows)
        return make_error(ErrorCode::kInvalidArgument, "dense data: labels size != rows");
    if (!weights.empty() && weights.size() != num_rows)
        return make_error(ErrorCode::kInvalidArgument, "dense data: weights size != rows");
    return {};
}

void DMatrix::Free::operator()(void* h) const { XGDMatrixFree(h); }
void Booster::Free::operator()(void* h) const { XGBoosterFree(h); }

Result<DMatrix> DMatrix::from_dense(std::span<const float> values, size_t num_rows, size_t num_cols,
                                    std::span<const float> labels, std::span<const float> weights) {
    if (values.size() != num_rows * num_cols)
        return make_error(ErrorCode::kInvalidArgument, "DMatrix: values size != rows * cols");
    if (!labels.empty() && labels.size() != num_rows)
        return make_error(ErrorCode::kInvalidArgument, "DMatrix: labels size != rows");
    if (!weights.empty() && weights.size() != num_rows)
        return make_error(ErrorCode::kInvalidArgument, "DMatrix: weights size != rows");
    DMatrixHandle h = nullptr;
    if (XGDMatrixCreateFromMat(values.data(), num_rows, num_cols, std::numeric_limits<float>::quiet_NaN(), &h) != 0)
        return xgb_error("XGDMatrixCreateFromMat");
    DMatrix m;
    m.handle_.reset(h);
    m.num_rows_ = num_rows;
    m.num_cols_ = num_cols;
    if (!labels.empty() && XGDMatrixSetFloatInfo(h, "label", labels.data(), labels.size()) != 0)
        return xgb_error("XGDMatrixSetFloatInfo(label)");
    if (!weights.empty() && XGDMatrixSetFloatInfo(h, "weight", weights.data(), weights.size()) != 0)
        return xgb_error("XGDMatrixSetFloatInfo(weight)");
    return m;
}

Result<DMatrix> DMatrix::from_data(const DenseData& data) {
    return from_dense(data.values, data.num_rows, data.num_cols, data.labels, data.weights);
}

Result<Booster> Booster::create(std::span<const DMatrix* const> train_cache) {
    std::vector<DMatrixHandle> handles;
    handles.reserve(train_cache.size());
    for (const DMatrix* m : train_cache) handles.push_back(m->handle());
    BoosterHandle h = nullptr;
    if (XGBoosterCreate(handles.data(), handles.size(), &h) != 0) return xgb_error("XGBoosterCreate");
    Booster b;
    b.handle_.reset(h);
    return b;
}

Result<Booster> Booster::load_model(const std::filesystem::path& path) {
    auto b = create();
    if (!b) return b.error();
    if (XGBoosterLoadModel(b->handle(), path.string().c_str()) != 0) return xgb_error("XGBoosterLoadModel");
    return b;
}

Result<Booster> Booster::load_model_from_buffer(std::string_view bytes) {
    auto b = create();
    if (!b) return b.error();
    if (XGBoosterLoadModelFromBuffer(b->handle(), bytes.data(), bytes.size()) != 0)
        return xgb_error("XGBoosterLoadModelFromBuffer");
    return b;
}

Status Booster::set_param(const std::string& name, const std::string& value) {
    if (XGBoosterSetParam(handle(), name.c_str(), value.c_str()) != 0) return xgb_error("XGBoosterSetParam");
    return {};
}

Status Booster::update_one_iter(int iteration, const DMatrix& train) {
    if (XGBoosterUpdateOneIter(handle(), iteration, train.handle()) != 0) return xgb_error("XGBoosterUpdateOneIter");
    return {};
}

Result<std::string> Booster::eval_one_iter(int iteration, std::span<const DMatrix* const> dmats,
                                           std::span<const std::string> names) {
    if (dmats.size() != names.size())
        return make_error(ErrorCode::kInvalidArgument, "eval_one_iter: dmats and names differ in size");
    std::vector<DMatrixHandle> handles;
    std::vector<const char*> cnames;
    for (size_t i = 0; i < dmats.size(); ++i) {
        handles.push_back(dmats[i]->handle());
        cnames.push_back(names[i].c_str());
    }
    const char* out = nullptr;
    if (XGBoosterEvalOneIter(handle(), iteration, handles.data(), cnames.data(), handles.size(), &out) != 0)
        return xgb_error("XGBoosterEvalOneIter");
    return std::string(out ? out : "");
}

Result<int> Booster::boosted_rounds() const {
    int n = 0;
    if (XGBoosterBoostedRounds(handle(), &n) != 0) return xgb_error("XGBoosterBoostedRounds");
    return n;
}

Result<size_t> Booster::num_features() const {
    bst_ulong n = 0;
    if (XGBoosterGetNumFeature(handle(), &n) != 0) return xgb_error("XGBoosterGetNumFeature");
    return static_cast<size_t>(n);
}

Result<Booster> Booster::slice(int begin_round, int end_round) const {
    BoosterHandle out = nullptr;
    if (XGBoosterSlice(handle(), begin_round, end_round, 1, &out) != 0) return xgb_error("XGBoosterSlice");
    Booster b;
    b.handle_.reset(out);
    return b;
}

Result<std::string> Booster::save_json() const {
    bst_ulong len = 0;
    const char* data = nullptr;
    if (XGBoosterSaveModelToBuffer(handle(), R"({"format":"json"})", &len, &data) != 0)
        return xgb_error("XGBoosterSaveModelToBuffer");
    return std::string(data, len);
}

Status Booster::save_model(const std::filesystem::path& path) const {
    if (XGBoosterSaveModel(handle(), path.string().c_str()) != 0) return xgb_error("XGBoosterSaveModel");
    return {};
}

Result<std::vector<float>> Booster::predict(const DMatrix& data, PredictKind kind) const {
    const std::string config = predict_config(kind, false);
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDMatrix(handle(), data.handle(), config.c_str(), &shape, &dim, &result) != 0)
        return xgb_error("XGBoosterPredictFromDMatrix");
    size_t n = 1;
    for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
    return std::vector<float>(result, result + n);
}

Result<float> Booster::predict_row(std::span<const float> row, PredictKind kind) const {
    if (kind != PredictKind::kProbability && kind != PredictKind::kMargin)
        return make_error(ErrorCode::kInvalidArgument, "predict_row: only probability or margin");
    const std::string values = array_interface(row.data(), 1, row.size());
    const std::string config = predict_config(kind, true);
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDense(handle(), values.c_str(), config.c_str(), nullptr, &shape, &dim, &result) != 0)
        return xgb_error("XGBoosterPredictFromDense");
    if (dim < 1 || shape[0] != 1) return make_error(ErrorCode::kInternal, "predict_row: unexpected output shape");
    return result[0];
}

Status Booster::predict_row_contribs(std::span<const float> row, std::span<float> out, PredictKind kind) const {
    if (kind != PredictKind::kContribs && kind != PredictKind::kApproxContribs)
        return make_error(ErrorCode::kInvalidArgument, "predict_row_contribs: kind must be kContribs or kApproxContribs");
    if (out.size() != row.size() + 1)
        return make_error(ErrorCode::kInvalidArgument, "predict_row_contribs: out must have num_features + 1 values");
    auto m = DMatrix::from_dense(row, 1, row.size());
    if (!m) return m.error();
    const std::string config = predict_config(kind, false);
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDMatrix(handle(), m->handle(), config.c_str(), &shape, &dim, &result) != 0)
        return xgb_error("XGBoosterPredictFromDMatrix(contribs)");
    size_t n = 1;
    for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
    if (n != out.size()) return make_error(ErrorCode::kMismatch, "predict_row_contribs: model has another width");
    std::memcpy(out.data(), result, n * sizeof(float));
    return {};
}

namespace {

// Parses the value after the last ':' of "[3]\tvalid-logloss:0.41". NaN when absent.
double parse_eval_value(const std::string& s) {
    const auto pos = s.rfind(':');
    if (pos == std::string::npos) return std::numeric_limits<double>::quiet_NaN();
    char* end = nullptr;
    const double v = std::strtod(s.c_str() + pos + 1, &end);
    return end == s.c_str() + pos + 1 ? std::numeric_limits<double>::quiet_NaN() : v;
}

}  // namespace

Result<TrainOutput> train_binary(const DenseData& train, const DenseData& valid, const TrainParams& p,
                                 const TrainProgress& progress) {
    if (auto s = train.validate(); !s) return s.error();
    if (auto s = valid.validate(); !s) return s.error();
    if (train.num_rows == 0 || valid.num_rows == 0)
        return make_error(ErrorCode::kInvalidArgument, "train_binary: empty training or validation set");
    if (train.labels.empty() || valid.labels.empty())
        return make_error(ErrorCode::kInvalidArgument, "train_binary: labels are required");
    if (train.num_cols != valid.num_cols)
        return make_error(ErrorCode::kInvalidArgument, "train_binary: train and validation widths differ");
    if (p.max_rounds < 1) return make_error(ErrorCode::kInvalidArgument, "train_binary: max_rounds < 1");

    auto dtrain = DMatrix::from_data(train);
    if (!dtrain) return dtrain.error();
    auto dvalid = DMatrix::from_data(valid);
    if (!dvalid) return dvalid.error();
    const DMatrix* cache[] = {&*dtrain, &*dvalid};
    auto booster = Booster::create(cache);
    if (!booster) return booster.error();

    const bool auc = p.metric == EvalMetric::kAuc;
    std::vector<std::pair<std::string, std::string>> params = {
        {"objective", "binary:logistic"},
        {"booster", "gbtree"},
        {"tree_method", "hist"},
        {"eval_metric", auc ? "auc" : "logloss"},
        {"max_depth", std::to_string(p.max_depth)},
        {"eta", num(p.eta)},
        {"min_child_weight", num(p.min_child_weight)},
        {"subsample", num(p.subsample)},
        {"colsample_bytree", num(p.colsample_bytree)},
        {"lambda", num(p.lambda)},
        {"gamma", num(p.gamma)},
        {"scale_pos_weight", num(p.scale_pos_weight)},
        {"max_bin", std::to_string(p.max_bin)},
        {"seed", std::to_string(p.seed)},
        {"verbosity", "0"},
    };
    if (p.nthread > 0) params.emplace_back("nthread", std::to_string(p.nthread));
    for (const auto& kv : p.extra) params.push_back(kv);
    for (const auto& [k, v] : params)
        if (auto s = booster->set_param(k, v); !s) return s.error();

    TrainOutput out;
    out.metric_name = auc ? "auc" : "logloss";
    const DMatrix* evals[] = {&*dvalid};
    const std::string names[] = {"valid"};
    double best = auc ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    int best_iter = -1;
    for (int it = 0; it < p.max_rounds; ++it) {
        if (auto s = booster->update_one_iter(it, *dtrain); !s) return s.error();
        auto ev = booster->eval_one_iter(it, evals, names);
        if (!ev) return ev.error();
        const double v = parse_eval_value(*ev);
        if (std::isnan(v)) return make_error(ErrorCode::kInternal, "train_binary: cannot parse evaluation '" + *ev + "'");
        out.valid_curve.push_back(v);
        out.rounds_trained = it + 1;
        if (progress) progress(it, p.max_rounds, v);
        if (auc ? v > best : v < best) {
            best = v;
            best_iter = it;
        } else if (p.early_stopping_rounds > 0 && it - best_iter >= p.early_stopping_rounds) {
            break;
        }
    }
    out.best_iteration = best_iter;
    out.best_score = best;

    // With early stopping, keep only the rounds up to the best one, so the saved model is the one
    // that was validated. Without it the caller asked for every round.
    if (p.early_stopping_rounds > 0 && best_iter + 1 < out.rounds_trained) {
        auto trimmed = booster->slice(0, best_iter + 1);
        if (!trimmed) return trimmed.error();
        auto json = trimmed->save_json();
        if (!json) return json.error();
        out.model_json = std::move(*json);
    } else {
        auto json = booster->save_json();
        if (!json) return json.error();
        out.model_json = std::move(*json);
    }
    return out;
}

}  // namespace vigil::ml
