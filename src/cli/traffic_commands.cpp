// vigil train traffic / vigil eval traffic.
#include "traffic_commands.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "vigil/cli/runtime.hpp"
#include "vigil/ml/metrics.hpp"
#include "vigil/store/database.hpp"
#include "vigil/traffic/artifact.hpp"
#include "vigil/traffic/training.hpp"

namespace vigil::cli {

namespace {

constexpr const char* kTrainUsage = R"(usage: vigil train traffic --data FILE [--data FILE ...] --format FORMAT --out DIR [options]

Trains network-traffic models (binary head normal/attack + one-vs-rest attack-family heads),
compares them on a deterministic stratified validation split (20 %), and writes the best one
(highest validation F1) to DIR with metadata.json and report/ (report.md, report.html, ROC and
confusion plots).

data:
  --data FILE           labelled records (plain or .gz); repeat to concatenate files
  --format F            nsl-kdd | unsw-nb15 | csv
  --label-col NAME      csv: the label column (0/1, or normal/benign vs attack names)
models:
  --models LIST         comma-separated subset of gb,rf,svm,nn (default: all four)
  --out DIR             artifact directory (created)
  --keep-candidates     also write every model to DIR/candidates/<model>/
  --drop-fields LIST    comma-separated fields the models must not use (e.g. content features)
  --min-count N         categorical values seen fewer times go to the "<other>" column (5)
  --max-fpr X           validation false-positive budget of the threshold rule (0.01)
  --threshold-rule R    recall: lowest threshold with validation FPR <= X (default; spends the
                        budget on recall, for attack variants missing from training)
                        f1: max validation F1 with validation FPR <= X
  --valid-fraction X    validation share of every class (0.2)
  --seed N              split and learner seed (42)
  --gb-rounds N         gradient boosting: max rounds, early stopping after 15 (200)
  --rf-trees N          random forest trees (100)
  --nn-epochs N         MLP max epochs, early stopping after 3 (20)
  --threads N           XGBoost threads (2)
  --name NAME --version V   recorded in metadata.json (vigil-traffic, dev)
  --db PATH             also record the comparison in model_versions / model_metrics
  --quiet               no progress output
)";

constexpr const char* kEvalUsage = R"(usage: vigil eval traffic [--model DIR] --data FILE --format FORMAT [--label-col NAME] [--json]

Scores labelled records with a traffic model (default: the bundled models/traffic) and prints
the binary metrics (normal vs attack) at the model's threshold, family accuracy and per-family
recall. --json prints only the metrics object: n, roc_auc, pr_auc, accuracy, precision, recall,
f1, fpr, tpr, threshold, confusion {tp, fp, tn, fn}, positives, negatives.

  --model DIR       traffic model artifact directory
  --data FILE       labelled records (repeatable)
  --format F        nsl-kdd | unsw-nb15 | csv
  --label-col NAME  csv: the label column
  --threshold X     override the model's threshold
  --json            metrics object only
)";

class Progress {
public:
    explicit Progress(bool quiet) : quiet_(quiet), tty_(isatty(fileno(stderr)) == 1) {}
    void update(const std::string& stage, int it, int total, double metric) {
        if (quiet_) return;
        const int done = it + 1;
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (stage != stage_) {
            end();
            stage_ = stage;
        }
        char metric_text[48] = "";
        if (!std::isnan(metric)) std::snprintf(metric_text, sizeof metric_text, "  valid %.5f", metric);
        if (tty_) {
            constexpr int kWidth = 30;
            const int filled = total > 0 ? std::min(kWidth, done * kWidth / total) : kWidth;
            std::string bar(static_cast<size_t>(filled), '#');
            bar.resize(kWidth, '.');
            std::fprintf(stderr, "\r  %-16s [%s] %d/%d%s  %.1fs ", stage.c_str(), bar.c_str(), done, total, metric_text, secs);
            std::fflush(stderr);
            open_ = true;
        } else {
            const int step = std::max(1, total / 10);
            if (done % step == 0 || done == 1) {
                std::fprintf(stderr, "  %s %d/%d%s  %.1fs\n", stage.c_str(), done, total, metric_text, secs);
            }
        }
    }
    void end() {
        if (open_) std::fputc('\n', stderr);
        open_ = false;
    }
    void note(const std::string& text) {
        end();
        if (!quiet_) std::cerr << text << "\n";
    }

private:
    bool quiet_, tty_, open_ = false;
    std::string stage_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = text.find(',', start);
        const auto item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

bool parse_number(const char* text, double& out) {
    char* end = nullptr;
    out = std::strtod(text, &end);
    return end != text && *end == '\0' && std::isfinite(out);
}

std::string fmt(double v, int digits = 4) {
    if (std::isnan(v)) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

Result<traffic::TrafficData> load_all(const std::vector<std::string>& files, traffic::DataFormat format,
                                      const traffic::LoadOptions& options, Progress* progress) {
    std::optional<traffic::TrafficData> all;
    for (const auto& f : files) {
        traffic::LoadReport report;
        auto data = traffic::load_traffic_data(f, format, options, &report);
        if (!data) return data.error();
        if (progress) progress->note("  " + f + ": " + std::to_string(data->num_rows) + " records");
        if (!all) {
            all = std::move(*data);
        } else if (auto st = all->append(*data); !st) {
            return st.error();
        }
    }
    if (!all) return make_error(ErrorCode::kInvalidArgument, "no --data file");
    return std::move(*all);
}

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Status record_in_db(const std::filesystem::path& db_path, const traffic::TrafficTrainResult& r,
                    const traffic::TrafficTrainOptions& o, const std::filesystem::path& out_dir) {
    auto db = store::Database::open(db_path);
    if (!db) return db.error();
    if (auto st = db->exec("BEGIN"); !st) return st;
    auto version_stmt = db->prepare(
        "INSERT INTO model_versions (name, version, kind, path, feature_version, status, created_ts_ms) "
        "VALUES (?, ?, 'traffic', ?, ?, 'candidate', ?) "
        "ON CONFLICT(name, version) DO UPDATE SET path = excluded.path, created_ts_ms = excluded.created_ts_ms "
        "RETURNING id");
    if (!version_stmt) return version_stmt.error();
    auto metric_stmt = db->prepare(
        "INSERT INTO model_metrics (model_version_id, ts_ms, dataset, metric, value) VALUES (?, ?, 'validation', ?, ?)");
    if (!metric_stmt) return metric_stmt.error();
    const int64_t ts = now_ms();
    for (size_t i = 0; i < r.candidates.size(); ++i) {
        const auto& c = r.candidates[i];
        const std::filesystem::path path = i == r.best ? out_dir : out_dir / "candidates" / c.algorithm;
        auto& vs = *version_stmt;
        if (auto st = vs.bind_text(1, o.name + "-" + c.algorithm); !st) return st;
        if (auto st = vs.bind_text(2, o.version); !st) return st;
        if (auto st = vs.bind_text(3, path.string()); !st) return st;
        if (auto st = vs.bind_text(4, o.data_format + "/" + std::to_string(r.num_features)); !st) return st;
        if (auto st = vs.bind_int64(5, ts); !st) return st;
        auto row = vs.step();
        if (!row) return row.error();
        if (!*row) return make_error(ErrorCode::kInternal, "model_versions insert returned no id");
        const int64_t id = vs.column_int64(0);
        vs.reset();
        const std::pair<const char*, double> metrics[] = {
            {"accuracy", c.valid.accuracy}, {"precision", c.valid.precision}, {"recall", c.valid.recall},
            {"f1", c.valid.f1}, {"roc_auc", c.valid.roc_auc}, {"pr_auc", c.valid.pr_auc}, {"fpr", c.valid.fpr},
            {"threshold", c.threshold}, {"family_accuracy", c.family_accuracy}, {"train_seconds", c.train_seconds},
            {"us_per_prediction", c.us_per_prediction}, {"selected", i == r.best ? 1.0 : 0.0}};
        for (const auto& [name, value] : metrics) {
            if (std::isnan(value)) continue;  // value is NOT NULL
            auto& ms = *metric_stmt;
            if (auto st = ms.bind_int64(1, id); !st) return st;
            if (auto st = ms.bind_int64(2, ts); !st) return st;
            if (auto st = ms.bind_text(3, name); !st) return st;
            if (auto st = ms.bind_double(4, value); !st) return st;
            if (auto st = ms.run(); !st) return st;
            ms.reset();
        }
    }
    return db->exec("COMMIT");
}

}  // namespace

int run_train_traffic(int argc, char** argv) {
    traffic::TrafficTrainOptions options;
    std::vector<std::string> files;
    std::optional<traffic::DataFormat> format;
    traffic::LoadOptions load;
    std::filesystem::path out_dir, db_path;
    bool keep = false, quiet = false;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        auto number = [&](double& out) {
            const char* v = value();
            if (!v || !parse_number(v, out)) {
                std::cerr << "vigil train traffic: " << a << " needs a number\n";
                return false;
            }
            return true;
        };
        double num = 0;
        if (a == "--help" || a == "-h") {
            std::cout << kTrainUsage;
            return 0;
        } else if (a == "--quiet") {
            quiet = true;
        } else if (a == "--keep-candidates") {
            keep = true;
        } else if (a == "--data" || a == "--format" || a == "--label-col" || a == "--out" || a == "--models" ||
                   a == "--drop-fields" || a == "--name" || a == "--version" || a == "--db" || a == "--threshold-rule") {
            const char* v = value();
            if (!v) return std::cerr << "vigil train traffic: " << a << " needs a value\n", 2;
            if (a == "--data") files.emplace_back(v);
            else if (a == "--format") {
                format = traffic::parse_data_format(v);
                if (!format) return std::cerr << "vigil train traffic: unknown --format '" << v << "' (nsl-kdd, unsw-nb15, csv)\n", 2;
                options.data_format = v;
            } else if (a == "--label-col") load.label_column = v;
            else if (a == "--out") out_dir = v;
            else if (a == "--models") options.algorithms = split_list(v);
            else if (a == "--drop-fields") options.preprocess.drop_fields = split_list(v);
            else if (a == "--name") options.name = v;
            else if (a == "--threshold-rule") {
                const std::string_view r = v;
                if (r != "recall" && r != "f1") return std::cerr << "vigil train traffic: --threshold-rule is recall or f1\n", 2;
                options.threshold_rule = r == "f1" ? traffic::TrafficTrainOptions::ThresholdRule::kF1
                                                   : traffic::TrafficTrainOptions::ThresholdRule::kRecallAtFpr;
            }
            else if (a == "--version") options.version = v;
            else db_path = v;
        } else if (a == "--min-count" || a == "--max-fpr" || a == "--valid-fraction" || a == "--seed" ||
                   a == "--gb-rounds" || a == "--rf-trees" || a == "--nn-epochs" || a == "--threads") {
            if (!number(num)) return 2;
            const bool bad_count = num < 1 || num != std::floor(num);
            if (a == "--max-fpr" || a == "--valid-fraction") {
                if (num <= 0 || num >= 1) return std::cerr << "vigil train traffic: " << a << " must be in (0, 1)\n", 2;
                (a == "--max-fpr" ? options.max_fpr : options.valid_fraction) = num;
            } else if (a == "--seed") {
                if (num < 0 || num != std::floor(num)) return std::cerr << "vigil train traffic: --seed needs an integer >= 0\n", 2;
                options.seed = static_cast<uint64_t>(num);
                options.gb.seed = options.rf.seed = options.seed;
                options.nn.seed = options.seed;
            } else if (bad_count) {
                return std::cerr << "vigil train traffic: " << a << " needs a positive integer\n", 2;
            } else if (a == "--min-count") {
                options.preprocess.min_count = static_cast<size_t>(num);
            } else if (a == "--gb-rounds") {
                options.gb.max_rounds = static_cast<int>(num);
            } else if (a == "--rf-trees") {
                for (auto& [k, v] : options.rf.extra) {
                    if (k == "num_parallel_tree") v = std::to_string(static_cast<int>(num));
                }
            } else if (a == "--nn-epochs") {
                options.nn.max_epochs = static_cast<size_t>(num);
            } else {
                options.gb.nthread = options.rf.nthread = static_cast<int>(num);
            }
        } else {
            std::cerr << "vigil train traffic: unknown option '" << a << "'\n\n" << kTrainUsage;
            return 2;
        }
    }
    if (files.empty() || !format || out_dir.empty()) {
        std::cerr << "vigil train traffic: --data, --format and --out are required\n\n" << kTrainUsage;
        return 2;
    }
    if (*format == traffic::DataFormat::kCsv && load.label_column.empty()) {
        return std::cerr << "vigil train traffic: --format csv needs --label-col NAME\n", 2;
    }
    options.data_files = files;
    Progress progress(quiet);
    progress.note("loading " + std::to_string(files.size()) + " data file(s)");
    auto data = load_all(files, *format, load, &progress);
    if (!data) return std::cerr << "vigil train traffic: " << data.error().message << "\n", 1;
    progress.note("training " + std::to_string(options.algorithms.size()) + " model(s) on " + std::to_string(data->num_rows) +
                  " records");
    auto result = traffic::train_traffic_models(*data, options, [&](const std::string& s, int it, int total, double m) {
        progress.update(s, it, total, m);
    });
    progress.end();
    if (!result) return std::cerr << "vigil train traffic: " << result.error().message << "\n", 1;
    if (auto st = traffic::write_traffic_artifacts(out_dir, *result, keep); !st) {
        return std::cerr << "vigil train traffic: " << st.error().message << "\n", 1;
    }
    if (!db_path.empty()) {
        if (auto st = record_in_db(db_path, *result, options, out_dir); !st) {
            return std::cerr << "vigil train traffic: database: " << st.error().message << "\n", 1;
        }
    }
    std::cout << "validation (" << result->valid_rows << " records; thresholds chosen on it):\n";
    for (size_t i = 0; i < result->candidates.size(); ++i) {
        const auto& c = result->candidates[i];
        std::cout << "  " << c.algorithm << (i == result->best ? " *" : "  ") << "  acc " << fmt(c.valid.accuracy) << "  prec "
                  << fmt(c.valid.precision) << "  rec " << fmt(c.valid.recall) << "  f1 " << fmt(c.valid.f1) << "  auc "
                  << fmt(c.valid.roc_auc) << "  family acc " << fmt(c.family_accuracy) << "  train " << fmt(c.train_seconds, 1)
                  << " s  " << fmt(c.us_per_prediction, 2) << " us/prediction\n";
    }
    std::cout << "selected " << result->candidates[result->best].algorithm << "; wrote " << out_dir.string() << "\n";
    return 0;
}

int run_eval_traffic(int argc, char** argv) {
    std::filesystem::path model_dir = install_root() / "models" / "traffic";
    std::vector<std::string> files;
    std::optional<traffic::DataFormat> format;
    traffic::LoadOptions load;
    std::optional<double> threshold;
    bool json = false;
    for (int i = 2; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--help" || a == "-h") {
            std::cout << kEvalUsage;
            return 0;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--model" || a == "--data" || a == "--format" || a == "--label-col" || a == "--threshold") {
            const char* v = value();
            if (!v) return std::cerr << "vigil eval traffic: " << a << " needs a value\n", 2;
            if (a == "--model") model_dir = v;
            else if (a == "--data") files.emplace_back(v);
            else if (a == "--label-col") load.label_column = v;
            else if (a == "--format") {
                format = traffic::parse_data_format(v);
                if (!format) return std::cerr << "vigil eval traffic: unknown --format '" << v << "' (nsl-kdd, unsw-nb15, csv)\n", 2;
            } else {
                double t = 0;
                if (!parse_number(v, t)) return std::cerr << "vigil eval traffic: --threshold needs a number\n", 2;
                threshold = t;
            }
        } else {
            std::cerr << "vigil eval traffic: unknown option '" << a << "'\n\n" << kEvalUsage;
            return 2;
        }
    }
    if (files.empty() || !format) {
        std::cerr << "vigil eval traffic: --data and --format are required\n\n" << kEvalUsage;
        return 2;
    }
    auto model = traffic::load_traffic_artifact(model_dir);
    if (!model) return std::cerr << "vigil eval traffic: " << model.error().message << "\n", 1;
    if (threshold) model->threshold = *threshold;
    auto data = load_all(files, *format, load, nullptr);
    if (!data) return std::cerr << "vigil eval traffic: " << data.error().message << "\n", 1;
    // Data columns by the model's field names.
    const auto& schema = model->preprocessor.schema();
    std::vector<size_t> column(schema.fields.size());
    for (size_t f = 0; f < schema.fields.size(); ++f) {
        const auto idx = data->schema.index_of(schema.fields[f].name);
        if (!idx || data->schema.fields[*idx].kind != schema.fields[f].kind) {
            std::cerr << "vigil eval traffic: the data has no " << (idx ? "matching " : "") << "field '" << schema.fields[f].name
                      << "' the model needs\n";
            return 1;
        }
        column[f] = *idx;
    }
    const size_t nf = schema.fields.size();
    std::vector<double> numbers(nf);
    std::vector<std::string_view> texts(nf);
    std::vector<float> x(model->preprocessor.num_features());
    std::vector<float> scores(data->num_rows);
    std::vector<int> labels(data->num_rows);
    // Family confusion by name: data families (rows) against model families (columns).
    const size_t nd = data->families.size();
    std::vector<std::vector<size_t>> confusion(nd, std::vector<size_t>(model->families.size() + 1, 0));
    for (size_t r = 0; r < data->num_rows; ++r) {
        for (size_t f = 0; f < nf; ++f) {
            numbers[f] = data->number(r, column[f]);
            if (schema.fields[f].kind == traffic::FieldKind::kCategorical) texts[f] = data->text(r, column[f]);
        }
        model->preprocessor.encode(numbers, texts, x);
        const auto p = model->predict(x);
        scores[r] = p.probability;
        labels[r] = data->labels[r];
        ++confusion[data->family[r]][p.family];
    }
    const ml::BinaryMetrics m = ml::evaluate(scores, labels, model->threshold);
    if (json) {
        std::cout << ml::to_json(m) << "\n";
        return 0;
    }
    size_t correct = 0;
    std::ostringstream fam;
    for (size_t d = 0; d < nd; ++d) {
        size_t total = 0;
        for (size_t v : confusion[d]) total += v;
        size_t hit = 0;
        for (size_t k = 0; k <= model->families.size(); ++k) {
            if (model->family_name(k) == data->families[d]) hit = confusion[d][k];
        }
        correct += hit;
        if (total) fam << "  " << data->families[d] << ": recall " << fmt(static_cast<double>(hit) / static_cast<double>(total))
                       << " (" << hit << "/" << total << ")\n";
    }
    std::cout << "model " << model->name << " " << model->version << " (" << model->algorithm << ") on " << m.n
              << " records, threshold " << fmt(m.threshold) << "\n"
              << "  accuracy " << fmt(m.accuracy) << "  precision " << fmt(m.precision) << "  recall " << fmt(m.recall)
              << "  f1 " << fmt(m.f1) << "\n  roc_auc " << fmt(m.roc_auc) << "  pr_auc " << fmt(m.pr_auc) << "  fpr "
              << fmt(m.fpr) << "\n  TP " << m.confusion.tp << "  FP " << m.confusion.fp << "  TN " << m.confusion.tn << "  FN "
              << m.confusion.fn << "\nfamily accuracy "
              << fmt(data->num_rows ? static_cast<double>(correct) / static_cast<double>(data->num_rows) : NAN) << "\n"
              << fam.str();
    return 0;
}

}  // namespace vigil::cli
