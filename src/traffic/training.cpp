// train_traffic_models: split, preprocessing, the four learners, validation through the serving
// code path, selection.
#include "vigil/traffic/training.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <limits>
#include <optional>

#include "scorers.hpp"

namespace vigil::traffic {

namespace json = boost::json;

ml::TrainParams TrafficTrainOptions::default_gb_params() {
    ml::TrainParams p;
    p.max_rounds = 200;
    p.early_stopping_rounds = 15;
    p.max_depth = 6;
    p.eta = 0.2;
    p.subsample = 0.8;
    p.colsample_bytree = 0.8;
    p.nthread = 2;
    return p;
}

ml::TrainParams TrafficTrainOptions::default_rf_params() {
    ml::TrainParams p;
    p.max_rounds = 1;  // one round of num_parallel_tree trees = a random forest
    p.early_stopping_rounds = 0;
    p.max_depth = 12;
    p.eta = 1.0;
    p.subsample = 0.632;
    p.lambda = 1e-3;
    p.nthread = 2;
    p.extra = {{"num_parallel_tree", "100"}, {"colsample_bynode", "0.5"}};
    return p;
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string utc_now_iso() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

struct Encoded {
    size_t rows = 0, cols = 0;
    std::vector<float> x;  // unscaled
    std::vector<uint8_t> labels;
    std::vector<uint8_t> family;  // index into data.families
};

Encoded encode(const Preprocessor& pre, const TrafficData& d) {
    Encoded e;
    e.rows = d.num_rows;
    e.cols = pre.num_features();
    e.x = pre.encode_all(d);
    e.labels = d.labels;
    e.family = d.family;
    return e;
}

// Head targets: [0] attack, [k] = row's family is head family k.
std::vector<uint8_t> head_labels(const Encoded& e, size_t head, const std::vector<size_t>& head_family) {
    std::vector<uint8_t> y(e.rows);
    for (size_t r = 0; r < e.rows; ++r) y[r] = head == 0 ? e.labels[r] : (e.family[r] == head_family[head - 1] ? 1 : 0);
    return y;
}

ml::DenseData dense(const Encoded& e, const std::vector<uint8_t>& y) {
    ml::DenseData d;
    d.num_rows = e.rows;
    d.num_cols = e.cols;
    d.values = e.x;
    d.labels.assign(y.begin(), y.end());
    return d;
}

std::string metadata_json(const TrafficTrainOptions& o, const Preprocessor& pre, const std::vector<std::string>& families,
                          const std::string& algorithm, double threshold, std::string_view explanation,
                          const std::string& created, const json::value& metrics, const json::value& comparison,
                          const std::optional<json::object>& thresholds_by_rule = std::nullopt) {
    json::object m;
    m["format"] = kTrafficFormat;
    m["format_version"] = kTrafficFormatVersion;
    m["name"] = o.name;
    m["version"] = o.version;
    m["algorithm"] = algorithm;
    m["created"] = created;
    json::array schema;
    for (const auto& f : pre.schema().fields) {
        schema.push_back(json::object{{"name", f.name}, {"kind", f.kind == FieldKind::kCategorical ? "categorical" : "numeric"}});
    }
    m["schema"] = std::move(schema);
    m["preprocess"] = json::parse(pre.to_json());
    json::array fam;
    for (const auto& f : families) fam.emplace_back(f);
    m["families"] = std::move(fam);
    m["threshold"] = threshold;
    m["threshold_rule"] = (o.threshold_rule == TrafficTrainOptions::ThresholdRule::kF1
                               ? "max validation F1 with validation FPR <= "
                               : "lowest threshold with validation FPR <= ") +
                          std::to_string(o.max_fpr);
    m["explanation"] = explanation;
    if (thresholds_by_rule) m["thresholds_by_rule"] = *thresholds_by_rule;
    json::array files;
    for (const auto& f : o.data_files) files.emplace_back(f);
    m["data"] = json::object{{"files", std::move(files)}, {"format", o.data_format}, {"valid_fraction", o.valid_fraction},
                             {"seed", o.seed}};
    m["metrics"] = metrics;
    m["comparison"] = comparison;
    return json::serialize(m);
}

json::value metrics_json(const CandidateResult& c) {
    json::object o;
    o["valid"] = json::parse(ml::to_json(c.valid));
    o["valid_family_accuracy"] = c.family_accuracy;
    o["train_seconds"] = c.train_seconds;
    o["us_per_prediction"] = c.us_per_prediction;
    return o;
}

Result<std::map<std::string, std::string>> train_forest_files(bool random_forest, const Encoded& tr, const Encoded& va,
                                                              const std::vector<size_t>& head_family,
                                                              const TrafficTrainOptions& o, const TrafficProgress& progress) {
    std::map<std::string, std::string> files;
    const std::string algo = random_forest ? "rf" : "gb";
    for (size_t head = 0; head <= head_family.size(); ++head) {
        const auto ytr = head_labels(tr, head, head_family);
        const auto yva = head_labels(va, head, head_family);
        const std::string stage = algo + (head == 0 ? " binary" : " family " + std::to_string(head));
        auto out = ml::train_binary(dense(tr, ytr), dense(va, yva), random_forest ? o.rf : o.gb,
                                    [&](int it, int max, double v) {
                                        if (progress) progress(stage, it, max, v);
                                    });
        if (!out) return make_error(out.error().code, stage + ": " + out.error().message);
        files[head == 0 ? "binary.json" : detail::family_model_file(head - 1)] = std::move(out->model_json);
    }
    return files;
}

Result<std::map<std::string, std::string>> train_svm_files(const Encoded& tr, const Encoded& va, const Preprocessor& pre,
                                                           const std::vector<size_t>& head_family,
                                                           const TrafficTrainOptions& o, const TrafficProgress& progress) {
    // Uncentred scaled rows keep one-hot columns sparse for LIBLINEAR; centring is folded into
    // the bias afterwards so the served decision (on centred rows) is the same function.
    const auto& mean = pre.mean();
    const auto& inv = pre.inv_std();
    auto uncentred = [&](const Encoded& e) {
        std::vector<float> x(e.x.size());
        for (size_t i = 0; i < x.size(); ++i) {
            const size_t j = i % e.cols;
            x[i] = (std::isnan(e.x[i]) ? mean[j] : e.x[i]) * inv[j];
        }
        return x;
    };
    const auto xtr = uncentred(tr), xva = uncentred(va);
    std::vector<LinearHead> heads;
    for (size_t head = 0; head <= head_family.size(); ++head) {
        if (progress) progress("svm heads", static_cast<int>(head), static_cast<int>(head_family.size() + 1), NAN);
        auto h = train_linear_svm(xtr, tr.cols, head_labels(tr, head, head_family), xva, head_labels(va, head, head_family),
                                  o.svm);
        if (!h) return h.error();
        double shift = 0;
        for (size_t j = 0; j < tr.cols; ++j) shift += static_cast<double>(h->w[j]) * mean[j] * inv[j];
        h->b = static_cast<float>(h->b + shift);
        heads.push_back(std::move(*h));
    }
    return std::map<std::string, std::string>{{"linear.json", linear_model_json(heads)}};
}

Result<std::map<std::string, std::string>> train_nn_files(const Encoded& tr, const Encoded& va, const Preprocessor& pre,
                                                          const std::vector<size_t>& head_family,
                                                          const TrafficTrainOptions& o, const TrafficProgress& progress) {
    const size_t outs = head_family.size() + 1;
    auto targets = [&](const Encoded& e) {
        std::vector<float> t(e.rows * outs);
        for (size_t head = 0; head < outs; ++head) {
            const auto y = head_labels(e, head, head_family);
            for (size_t r = 0; r < e.rows; ++r) t[r * outs + head] = y[r];
        }
        return t;
    };
    std::vector<float> xtr = tr.x, xva = va.x;
    pre.standardize_all(xtr);
    pre.standardize_all(xva);
    auto net = train_mlp(xtr, targets(tr), tr.cols, outs, xva, targets(va), o.nn, [&](int it, int max, double loss) {
        if (progress) progress("nn epochs", it, max, loss);
    });
    if (!net) return net.error();
    return std::map<std::string, std::string>{{"mlp.json", net->to_json()}};
}

// Scores the validation rows through the artifact exactly as served and fills the metrics.
Status evaluate_candidate(CandidateResult& c, TrafficArtifact& a, const Encoded& va, size_t num_families_total,
                          const std::vector<size_t>& head_family, double max_fpr,
                          TrafficTrainOptions::ThresholdRule rule) {
    std::vector<float> scores(va.rows);
    std::vector<int> labels(va.labels.begin(), va.labels.end());
    for (size_t r = 0; r < va.rows; ++r) {
        scores[r] = a.scorer->attack_probability(std::span(va.x).subspan(r * va.cols, va.cols));
    }
    // Thresholds as metadata.json will hold them once read back (Boost.JSON 1.81 parses numbers
    // to within an ulp, not exactly), so these metrics are those of the served model.
    const auto round_trip = [](double t) { return json::parse(json::serialize(json::value(t))).to_number<double>(); };
    // Both rules are recorded (same scores, same budget) so the other operating point can be
    // evaluated without retraining (scripts/novel-attack-validation.sh).
    c.threshold_recall = round_trip(threshold_at_fpr(scores, labels, max_fpr));
    c.threshold_f1 = round_trip(ml::choose_threshold(scores, labels, max_fpr));
    c.threshold = rule == TrafficTrainOptions::ThresholdRule::kF1 ? c.threshold_f1 : c.threshold_recall;
    c.valid = ml::evaluate(scores, labels, c.threshold);
    c.valid_roc = ml::roc_curve(scores, labels);
    // Family head and timing with the final threshold, one row at a time as served.
    a.threshold = c.threshold;
    c.family_confusion.assign(num_families_total, std::vector<size_t>(num_families_total, 0));
    size_t correct = 0;
    const auto t0 = Clock::now();
    std::vector<uint8_t> predicted(va.rows);
    for (size_t r = 0; r < va.rows; ++r) {
        const auto p = a.predict(std::span(va.x).subspan(r * va.cols, va.cols));
        predicted[r] = static_cast<uint8_t>(p.family == 0 ? 0 : head_family[p.family - 1]);
    }
    c.us_per_prediction = va.rows ? seconds_since(t0) * 1e6 / static_cast<double>(va.rows) : 0;
    for (size_t r = 0; r < va.rows; ++r) {
        ++c.family_confusion[va.family[r]][predicted[r]];
        correct += va.family[r] == predicted[r] ? 1 : 0;
    }
    c.family_accuracy = va.rows ? static_cast<double>(correct) / static_cast<double>(va.rows) : NAN;
    c.family_recall.assign(num_families_total, NAN);
    for (size_t f = 0; f < num_families_total; ++f) {
        size_t total = 0;
        for (size_t g = 0; g < num_families_total; ++g) total += c.family_confusion[f][g];
        if (total) c.family_recall[f] = static_cast<double>(c.family_confusion[f][f]) / static_cast<double>(total);
    }
    return {};
}

}  // namespace

double threshold_at_fpr(std::span<const float> scores, std::span<const int> labels, double max_fpr) {
    std::vector<float> negatives;
    float top = -std::numeric_limits<float>::infinity(), bottom = std::numeric_limits<float>::infinity();
    for (size_t i = 0; i < scores.size(); ++i) {
        if (labels[i] == 0) negatives.push_back(scores[i]);
        top = std::max(top, scores[i]);
        bottom = std::min(bottom, scores[i]);
    }
    if (scores.empty()) return 0.5;
    if (negatives.empty()) return bottom;
    std::sort(negatives.begin(), negatives.end(), std::greater<>());
    const auto allowed = static_cast<size_t>(std::floor(max_fpr * static_cast<double>(negatives.size()) + 1e-9));
    // Thresholds above negatives[allowed] flag at most `allowed` negatives; the lowest such
    // distinct score is the smallest score strictly above negatives[allowed].
    if (allowed >= negatives.size()) return bottom;
    const float limit = negatives[allowed];
    float best = std::nextafter(top, std::numeric_limits<float>::infinity());
    for (float s : scores) {
        if (s > limit && s < best) best = s;
    }
    return best;
}

size_t select_best(const std::vector<CandidateResult>& c) {
    size_t best = 0;
    for (size_t i = 1; i < c.size(); ++i) {
        const auto f = [](double v) { return std::isnan(v) ? -1.0 : v; };
        const double df = f(c[i].valid.f1) - f(c[best].valid.f1);
        if (df > 1e-4) {
            best = i;
        } else if (df >= -1e-4) {
            const double da = f(c[i].valid.roc_auc) - f(c[best].valid.roc_auc);
            if (da > 1e-4 || (da >= -1e-4 && c[i].us_per_prediction < c[best].us_per_prediction)) best = i;
        }
    }
    return best;
}

Result<TrafficTrainResult> train_traffic_models(const TrafficData& data, const TrafficTrainOptions& options,
                                                const TrafficProgress& progress) {
    if (options.algorithms.empty()) return make_error(ErrorCode::kInvalidArgument, "no algorithm to train");
    for (const auto& a : options.algorithms) {
        if (a != "gb" && a != "rf" && a != "svm" && a != "nn") {
            return make_error(ErrorCode::kInvalidArgument, "unknown model '" + a + "' (gb, rf, svm, nn)");
        }
    }
    const auto flags = stratified_split(data, options.valid_fraction, options.seed);
    const TrafficData train = subset(data, flags, 0), valid = subset(data, flags, 1);
    auto count = [](const TrafficData& d, uint8_t label) { return static_cast<size_t>(std::count(d.labels.begin(), d.labels.end(), label)); };
    if (count(train, 0) == 0 || count(train, 1) == 0 || count(valid, 0) == 0 || count(valid, 1) == 0) {
        return make_error(ErrorCode::kInvalidArgument,
                          "training and validation rows both need normal and attack records (" +
                              std::to_string(data.num_rows) + " rows given)");
    }
    auto pre = Preprocessor::fit(train, options.preprocess);
    if (!pre) return pre.error();
    // Family heads for the attack families present in the training rows.
    std::vector<size_t> head_family;
    std::vector<std::string> families;
    for (size_t f = 1; f < data.families.size(); ++f) {
        if (std::count(train.family.begin(), train.family.end(), static_cast<uint8_t>(f)) > 0) {
            head_family.push_back(f);
            families.push_back(data.families[f]);
        }
    }
    const Encoded tr = encode(*pre, train), va = encode(*pre, valid);
    TrafficTrainResult result;
    result.created_utc = utc_now_iso();
    result.threshold_rule = (options.threshold_rule == TrafficTrainOptions::ThresholdRule::kF1
                                 ? "the maximum F1 with FPR <= "
                                 : "the lowest threshold with FPR <= ") +
                            std::to_string(options.max_fpr);
    result.families = families;
    result.train_rows = tr.rows;
    result.valid_rows = va.rows;
    result.num_features = tr.cols;
    for (const auto& algo : options.algorithms) {
        CandidateResult c;
        c.algorithm = algo;
        const auto t0 = Clock::now();
        Result<std::map<std::string, std::string>> files = make_error(ErrorCode::kInternal, "unreachable");
        if (algo == "gb" || algo == "rf") files = train_forest_files(algo == "rf", tr, va, head_family, options, progress);
        else if (algo == "svm") files = train_svm_files(tr, va, *pre, head_family, options, progress);
        else files = train_nn_files(tr, va, *pre, head_family, options, progress);
        if (!files) return make_error(files.error().code, algo + ": " + files.error().message);
        c.train_seconds = seconds_since(t0);
        c.files = std::move(*files);
        // Build the artifact from the files as a server would load them (threshold filled in below).
        c.files["metadata.json"] = metadata_json(options, *pre, families, algo, 0.5, "", result.created_utc, json::object{},
                                                 json::array{});
        const FileReader reader = [&](std::string_view name) -> Result<std::string> {
            const auto it = c.files.find(std::string(name));
            if (it == c.files.end()) return make_error(ErrorCode::kNotFound, "missing " + std::string(name));
            return it->second;
        };
        auto artifact = artifact_from_files(reader);
        if (!artifact) return make_error(artifact.error().code, algo + ": " + artifact.error().message);
        if (auto st = evaluate_candidate(c, *artifact, va, data.families.size(), head_family, options.max_fpr,
                                         options.threshold_rule);
            !st) {
            return st.error();
        }
        c.files["metadata.json"] = metadata_json(options, *pre, families, algo, c.threshold,
                                                 artifact->scorer->explanation_method(), result.created_utc,
                                                 metrics_json(c), json::array{},
                                                 json::object{{"recall", c.threshold_recall}, {"f1", c.threshold_f1},
                                                              {"max_fpr", options.max_fpr}});
        result.candidates.push_back(std::move(c));
    }
    result.best = select_best(result.candidates);
    // Every candidate's metadata carries the whole comparison.
    json::array comparison;
    for (const auto& c : result.candidates) {
        json::object o = metrics_json(c).as_object();
        o["algorithm"] = c.algorithm;
        o["threshold"] = c.threshold;
        o["selected"] = &c == &result.candidates[result.best];
        comparison.emplace_back(std::move(o));
    }
    for (auto& c : result.candidates) {
        json::value meta = json::parse(c.files["metadata.json"]);
        meta.as_object()["comparison"] = comparison;
        meta.as_object()["selection_rule"] =
            "highest validation F1 at the chosen threshold; ties (1e-4) to higher ROC-AUC, then faster";
        c.files["metadata.json"] = json::serialize(meta);
    }
    return result;
}

}  // namespace vigil::traffic
