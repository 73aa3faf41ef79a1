#include "vigil/ml/url_training.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "vigil/ml/report.hpp"
#include "vigil/url/url.hpp"

namespace vigil::ml {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string utc_now_iso() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Appends the features of `url` to `out`; false when the URL does not parse. `homepage` tells
// whether the URL is a bare host (path empty or "/", no query).
bool append_features(std::string_view url, const features::UrlFeatureExtractor& extractor, std::vector<float>& out,
                     features::FeatureVector& scratch, bool& homepage) {
    auto parsed = url::parse(url);
    if (!parsed) return false;
    extractor.extract(*parsed, scratch);
    out.insert(out.end(), scratch.begin(), scratch.end());
    homepage = (parsed->path.empty() || parsed->path == "/") && !parsed->has_query;
    return true;
}

json::value number_or_null(double v) {
    if (!std::isfinite(v)) return nullptr;
    return v;
}

json::object metrics_json(const BinaryMetrics& m) {
    json::error_code ec;
    json::value v = json::parse(to_json(m), ec);
    return ec ? json::object{} : v.get_object();
}

json::object params_json(const TrainParams& p) {
    json::object o;
    o["objective"] = "binary:logistic";
    o["tree_method"] = "hist";
    o["max_rounds"] = p.max_rounds;
    o["early_stopping_rounds"] = p.early_stopping_rounds;
    o["eval_metric"] = p.metric == EvalMetric::kAuc ? "auc" : "logloss";
    o["max_depth"] = p.max_depth;
    o["eta"] = p.eta;
    o["min_child_weight"] = p.min_child_weight;
    o["subsample"] = p.subsample;
    o["colsample_bytree"] = p.colsample_bytree;
    o["lambda"] = p.lambda;
    o["gamma"] = p.gamma;
    o["scale_pos_weight"] = p.scale_pos_weight;
    o["max_bin"] = p.max_bin;
    o["seed"] = p.seed;
    o["nthread"] = p.nthread;
    for (const auto& [k, v] : p.extra) o[k] = v;
    return o;
}

std::string fmt(double v, const char* spec = "%.4f") {
    if (!std::isfinite(v)) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, spec, v);
    return buf;
}

std::string summary_markdown(const UrlTrainResult& r, const UrlDataset& data, const UrlTrainOptions& o) {
    std::ostringstream md;
    md << "# " << o.name << " " << o.version << "\n\n";
    md << "Created " << r.created_utc << "; features version " << features::kFeaturesVersion << " ("
       << features::kNumFeatures << " features). XGBoost binary:logistic, " << r.model.rounds_trained
       << " rounds run, best iteration " << r.model.best_iteration << " (validation " << r.model.metric_name << " "
       << fmt(r.model.best_score) << "). Feature extraction " << fmt(r.feature_seconds, "%.1f") << " s, training "
       << fmt(r.train_seconds, "%.1f") << " s.\n\n";
    md << "## Data\n\n| file | shape | weight | kept | phishing | legitimate | duplicates | conflicts | malformed |"
          " other domain half |\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (const SourceInfo& s : data.sources) {
        md << "| `" << std::filesystem::path(s.path).filename().string() << "` | " << s.description << " | "
           << s.weight << " | " << s.kept << " | " << s.positives << " | " << s.negatives << " | " << s.duplicates
           << " | " << s.conflicts << " | " << s.skipped_malformed << " | " << s.skipped_domain_half << " |\n";
    }
    md << "\nSplit by a hash (FNV-1a + fmix64) of the canonical URL without scheme: 80 % train, 10 % validation, 10 % test, per "
          "class.\n\n| split | phishing | legitimate |\n|---|---|---|\n";
    for (int s = 0; s < 3; ++s) {
        md << "| " << split_name(static_cast<Split>(s)) << " | " << r.counts[s].positives << " | "
           << r.counts[s].negatives << " |\n";
    }
    if (o.min_recall > 0) {
        md << "\nThreshold " << fmt(r.threshold, "%.6f") << ": the highest validation score with validation recall >= "
           << fmt(o.min_recall * 100, "%.1f") << " %.\n\n";
    } else {
        md << "\nThreshold " << fmt(r.threshold, "%.6f") << ": the validation score that maximises F1 with validation "
           << "FPR <= " << fmt(o.max_fpr * 100, "%.2f") << " %.\n\n";
    }
    md << "## Test split\n\n| metric | validation | test |\n|---|---|---|\n";
    auto row = [&](const char* name, double v, double t) { md << "| " << name << " | " << fmt(v) << " | " << fmt(t) << " |\n"; };
    row("ROC-AUC", r.valid.roc_auc, r.test.roc_auc);
    row("PR-AUC", r.valid.pr_auc, r.test.pr_auc);
    row("accuracy", r.valid.accuracy, r.test.accuracy);
    row("precision", r.valid.precision, r.test.precision);
    row("recall", r.valid.recall, r.test.recall);
    row("F1", r.valid.f1, r.test.f1);
    row("FPR", r.valid.fpr, r.test.fpr);
    md << "\nTest confusion: TP " << r.test.confusion.tp << ", FP " << r.test.confusion.fp << ", TN "
       << r.test.confusion.tn << ", FN " << r.test.confusion.fn << ".\n\n";
    md << "## Test split by source\n\n| file | n | ROC-AUC | recall | FPR |\n|---|---|---|---|---|\n";
    for (const SourceMetrics& s : r.test_by_source) {
        md << "| `" << std::filesystem::path(s.path).filename().string() << "` | " << s.test.n << " | "
           << fmt(s.test.roc_auc) << " | " << fmt(s.test.recall) << " | " << fmt(s.test.fpr) << " |\n";
    }
    md << "\n![ROC](roc.svg) ![PR](pr.svg) ![confusion](confusion.svg)\n";
    return md.str();
}

Status write_text(const std::filesystem::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return make_error(ErrorCode::kIo, "cannot write " + path.string());
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) return make_error(ErrorCode::kIo, "cannot write " + path.string());
    return Status::success();
}

}  // namespace

TrainParams default_url_train_params() {
    TrainParams p;
    p.max_rounds = 300;
    p.early_stopping_rounds = 30;
    p.metric = EvalMetric::kLogloss;
    p.max_depth = 6;
    p.eta = 0.1;
    p.subsample = 0.8;
    p.colsample_bytree = 0.8;
    p.min_child_weight = 1.0;
    p.seed = 42;
    p.nthread = 2;
    return p;
}

Result<UrlTrainResult> train_url_model(const UrlDataset& data, const features::UrlFeatureExtractor& extractor,
                                       const UrlTrainOptions& options, const UrlTrainProgress& progress) {
    UrlTrainResult result;
    result.created_utc = utc_now_iso();
    const size_t cols = features::kNumFeatures;
    std::array<DenseData, 3> sets;
    std::array<std::vector<uint16_t>, 3> sources;
    for (DenseData& d : sets) d.num_cols = cols;

    const auto t0 = Clock::now();
    features::FeatureVector scratch{};
    for (const UrlRow& row : data.rows) {
        const Split split = split_of_key(url_key(row.url));
        DenseData& d = sets[static_cast<size_t>(split)];
        bool homepage = false;
        if (!append_features(row.url, extractor, d.values, scratch, homepage)) {
            ++result.unparseable;
            continue;
        }
        ++d.num_rows;
        d.labels.push_back(static_cast<float>(row.label));
        d.weights.push_back(row.label == 1 && homepage ? row.weight * static_cast<float>(options.phishing_homepage_weight)
                                                       : row.weight);
        sources[static_cast<size_t>(split)].push_back(row.source);
        ++(row.label == 1 ? result.counts[static_cast<size_t>(split)].positives
                          : result.counts[static_cast<size_t>(split)].negatives);
    }
    result.feature_seconds = seconds_since(t0);
    for (int s = 0; s < 3; ++s) {
        if (result.counts[s].positives == 0 || result.counts[s].negatives == 0) {
            return make_error(ErrorCode::kInvalidArgument,
                              std::string("the ") + split_name(static_cast<Split>(s)) +
                                  " split needs both phishing and legitimate URLs (" +
                                  std::to_string(result.counts[s].positives) + " phishing, " +
                                  std::to_string(result.counts[s].negatives) + " legitimate); give more data");
        }
    }

    // Class balance: scale phishing weights so both classes weigh the same in training; the same
    // factor applies to validation so early stopping measures the trained objective.
    if (options.balance_classes) {
        double pos = 0, neg = 0;
        for (size_t i = 0; i < sets[0].num_rows; ++i) (sets[0].labels[i] > 0.5f ? pos : neg) += sets[0].weights[i];
        const float factor = pos > 0 ? static_cast<float>(neg / pos) : 1.0f;
        for (int s = 0; s < 2; ++s) {
            for (size_t i = 0; i < sets[s].num_rows; ++i) {
                if (sets[s].labels[i] > 0.5f) sets[s].weights[i] *= factor;
            }
        }
    }

    const auto t1 = Clock::now();
    auto trained = train_binary(sets[0], sets[1], options.xgb, progress);
    if (!trained) return trained.error();
    result.train_seconds = seconds_since(t1);
    result.model = std::move(*trained);

    // Scores from the reference library on the saved (trimmed) model.
    auto booster = Booster::load_model_from_buffer(result.model.model_json);
    if (!booster) return booster.error();
    std::array<std::vector<float>, 3> scores;
    std::array<std::vector<int>, 3> labels;
    for (int s = 1; s < 3; ++s) {
        auto m = DMatrix::from_dense(sets[s].values, sets[s].num_rows, cols);
        if (!m) return m.error();
        auto p = booster->predict(*m, PredictKind::kProbability);
        if (!p) return p.error();
        scores[s] = std::move(*p);
        labels[s].reserve(sets[s].num_rows);
        for (float l : sets[s].labels) labels[s].push_back(l > 0.5f ? 1 : 0);
    }
    result.threshold = options.min_recall > 0 ? threshold_for_recall(scores[1], labels[1], options.min_recall)
                                              : choose_threshold(scores[1], labels[1], options.max_fpr);
    result.valid = evaluate(scores[1], labels[1], result.threshold);
    result.test = evaluate(scores[2], labels[2], result.threshold);
    result.test_roc = roc_curve(scores[2], labels[2]);
    result.test_pr = pr_curve(scores[2], labels[2]);

    for (size_t src = 0; src < data.sources.size(); ++src) {
        std::vector<float> sc;
        std::vector<int> lb;
        for (size_t i = 0; i < scores[2].size(); ++i) {
            if (sources[2][i] == src) {
                sc.push_back(scores[2][i]);
                lb.push_back(labels[2][i]);
            }
        }
        result.test_by_source.push_back({data.sources[src].path, evaluate(sc, lb, result.threshold)});
    }
    return result;
}

Status write_url_artifact(const std::filesystem::path& dir, const UrlTrainResult& r, const UrlDataset& data,
                          const UrlTrainOptions& o) {
    std::error_code ec;
    std::filesystem::create_directories(dir / "report", ec);
    if (ec) return make_error(ErrorCode::kIo, "cannot create " + (dir / "report").string() + ": " + ec.message());

    json::object meta;
    meta["name"] = o.name;
    meta["version"] = o.version;
    meta["created"] = r.created_utc;
    meta["model_type"] = "xgboost gbtree binary:logistic";
    meta["features_version"] = features::kFeaturesVersion;
    json::array names;
    for (std::string_view n : features::feature_names()) names.emplace_back(n);
    meta["feature_names"] = std::move(names);
    meta["threshold"] = r.threshold;
    if (o.min_recall > 0) {
        meta["threshold_rule"] = {{"rule", "highest validation threshold with recall >= min_recall"},
                                  {"min_recall", o.min_recall}};
    } else {
        meta["threshold_rule"] = {{"rule", "maximise validation F1 subject to validation FPR <= max_fpr"},
                                  {"max_fpr", o.max_fpr}};
    }
    meta["parameters"] = params_json(o.xgb);
    meta["balance_classes"] = o.balance_classes;
    meta["phishing_homepage_weight"] = o.phishing_homepage_weight;
    meta["best_iteration"] = r.model.best_iteration;
    meta["rounds_trained"] = r.model.rounds_trained;
    meta["best_validation_" + r.model.metric_name] = number_or_null(r.model.best_score);
    meta["feature_seconds"] = r.feature_seconds;
    meta["training_seconds"] = r.train_seconds;
    json::array files;
    for (const SourceInfo& s : data.sources) {
        files.push_back(json::object{{"path", s.path},
                                     {"sha256", s.sha256},
                                     {"shape", s.description},
                                     {"weight", s.weight},
                                     {"records", s.records},
                                     {"kept", s.kept},
                                     {"phishing", s.positives},
                                     {"legitimate", s.negatives},
                                     {"duplicates", s.duplicates},
                                     {"conflicts", s.conflicts},
                                     {"malformed", s.skipped_malformed},
                                     {"other_domain_half", s.skipped_domain_half},
                                     {"domain_not_listed", s.skipped_not_listed},
                                     {"unescaped_amp", s.unescaped_amp}});
    }
    meta["data"] = std::move(files);
    if (!o.brand_list.empty()) {
        auto digest = sha256_file(o.brand_list);
        meta["brand_list"] = {{"path", o.brand_list.string()}, {"sha256", digest ? *digest : std::string()}};
    }
    json::object split;
    split["rule"] = "stable_hash (FNV-1a 64 + murmur3 fmix64) of the canonical URL without scheme, mod 100: [0,80) train, [80,90) valid, [90,100) test";
    for (int s = 0; s < 3; ++s) {
        split[split_name(static_cast<Split>(s))] = {{"phishing", r.counts[s].positives},
                                                    {"legitimate", r.counts[s].negatives}};
    }
    split["unparseable"] = r.unparseable;
    meta["split"] = std::move(split);
    json::object by_source;
    for (const SourceMetrics& s : r.test_by_source) by_source[s.path] = metrics_json(s.test);
    meta["metrics"] = {{"test", metrics_json(r.test)}, {"valid", metrics_json(r.valid)}};
    meta["test_metrics_by_source"] = std::move(by_source);

    if (Status s = write_text(dir / kModelFile, r.model.model_json); !s) return s;
    if (Status s = write_text(dir / kMetadataFile, json::serialize(meta) + "\n"); !s) return s;

    const std::string roc_legend = "test ROC-AUC = " + fmt(r.test.roc_auc);
    const std::string pr_legend = "test PR-AUC = " + fmt(r.test.pr_auc);
    if (Status s = write_text(dir / "report" / "roc.svg",
                              render_curve_svg(o.name + " " + o.version + ": ROC (test split)", "false positive rate",
                                               "true positive rate", r.test_roc, roc_legend, true,
                                               operating_point(r.test_roc, r.threshold)));
        !s) {
        return s;
    }
    if (Status s = write_text(dir / "report" / "pr.svg",
                              render_curve_svg(o.name + " " + o.version + ": precision-recall (test split)", "recall",
                                               "precision", r.test_pr, pr_legend, false,
                                               operating_point(r.test_pr, r.threshold)));
        !s) {
        return s;
    }
    if (Status s = write_text(dir / "report" / "confusion.svg",
                              render_confusion_svg("confusion at threshold " + fmt(r.threshold, "%.3f") + " (test split)",
                                                   r.test.confusion));
        !s) {
        return s;
    }
    return write_text(dir / "report" / "summary.md", summary_markdown(r, data, o));
}

void keep_split(UrlDataset& data, Split split) {
    std::vector<UrlRow> kept;
    for (UrlRow& row : data.rows) {
        if (split_of_key(url_key(row.url)) == split) {
            kept.push_back(std::move(row));
        } else {
            SourceInfo& s = data.sources[row.source];
            --s.kept;
            --(row.label == 1 ? s.positives : s.negatives);
        }
    }
    data.rows = std::move(kept);
}

UrlScores score_urls(const Forest& forest, const UrlDataset& data, const features::UrlFeatureExtractor& extractor) {
    UrlScores out;
    out.scores.reserve(data.rows.size());
    features::FeatureVector fv{};
    for (const UrlRow& row : data.rows) {
        auto parsed = url::parse(row.url);
        if (!parsed) {
            ++out.unparseable;
            continue;
        }
        extractor.extract(*parsed, fv);
        out.scores.push_back(forest.predict_proba(fv));
        out.labels.push_back(row.label);
        out.sources.push_back(row.source);
        out.urls.push_back(&row);
    }
    return out;
}

}  // namespace vigil::ml
