// vigil train url: read labelled URL files, train an XGBoost model with early stopping, choose the
// threshold on validation, report test metrics and write the artifact directory.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "url_data_options.hpp"
#include "traffic_commands.hpp"
#include "vigil/cli/commands.hpp"
#include "vigil/cli/runtime.hpp"
#include "vigil/ml/url_training.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kTrainUsage = R"(usage: vigil train url --data FILE [--data FILE ...] --out DIR [options]
       vigil train traffic ... (see vigil train traffic --help)

Trains the URL phishing model: reads and combines the data files (duplicates removed, a URL seen
with both labels dropped), splits every URL by a hash of its canonical form into 80 % train,
10 % validation and 10 % test per class, trains XGBoost with early stopping on validation,
chooses the threshold on validation (maximise F1 with FPR <= --max-fpr), reports the test-split
metrics and writes DIR/model.json, DIR/metadata.json and DIR/report/ (roc.svg, pr.svg,
confusion.svg, summary.md).

)";

constexpr const char* kTrainOptions = R"(
training options:
  --max-rounds N        boosting rounds at most (default 300)
  --early-stopping N    stop after N rounds without a better validation logloss (default 30; 0 = never)
  --max-depth D         tree depth (default 6)
  --eta E               learning rate (default 0.1)
  --subsample F         row subsampling per tree (default 0.8)
  --colsample F         feature subsampling per tree (default 0.8)
  --min-child-weight F  (default 1)
  --lambda F            L2 regularisation (default 1)
  --seed S              random seed (default 42)
  --threads N           XGBoost threads (default 2)
  --max-fpr F           threshold rule: maximise validation F1 with validation FPR <= F (default 0.01)
  --min-recall R        threshold rule instead: the highest threshold with validation recall >= R
  --no-balance          do not reweight classes to equal total weight
  --phishing-homepage-weight W   weight factor for phishing URLs without path or query (default 1)
  --no-dedupe           keep duplicate URLs
  --name NAME           model name (default vigil-url-xgb)
  --model-version V     model version (default dev)
  --brands FILE         popular-domain list for the brand features
                        (default <data dir>/domains/top-10000.csv.gz; $VIGIL_DATA_DIR)
  --quiet               no progress output
  --help
)";

void print_usage(std::ostream& out) { out << kTrainUsage << kDataOptionsHelp << kTrainOptions; }

bool parse_number(const char* text, double& out) {
    char* end = nullptr;
    out = std::strtod(text, &end);
    return end != text && *end == '\0';
}

// A progress bar on a terminal, a line every 10 % otherwise (logs stay readable).
class ProgressReporter {
public:
    explicit ProgressReporter(bool quiet) : quiet_(quiet), tty_(isatty(fileno(stderr)) == 1) {}

    void round(int iteration, int max_rounds, double valid_metric) {
        if (quiet_) return;
        const int done = iteration + 1;
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        if (tty_) {
            constexpr int kWidth = 30;
            const int filled = max_rounds > 0 ? done * kWidth / max_rounds : kWidth;
            std::string bar(static_cast<size_t>(filled), '#');
            bar.resize(kWidth, '.');
            std::fprintf(stderr, "\r  [%s] round %d/%d  valid logloss %.5f  %.1fs ", bar.c_str(), done, max_rounds,
                         valid_metric, secs);
            std::fflush(stderr);
            bar_open_ = true;
        } else {
            const int step = std::max(1, max_rounds / 10);
            if (done % step == 0 || done == 1) {
                std::fprintf(stderr, "  round %d/%d  valid logloss %.5f  %.1fs\n", done, max_rounds, valid_metric, secs);
            }
        }
    }
    void start() { start_ = std::chrono::steady_clock::now(); }
    void end() {
        if (bar_open_) std::fputc('\n', stderr);
        bar_open_ = false;
    }
    void note(const std::string& text) const {
        if (!quiet_) std::cerr << text << "\n";
    }

private:
    bool quiet_;
    bool tty_;
    bool bar_open_ = false;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

std::string fmt(double v) {
    if (v != v) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

}  // namespace

int run_train(int argc, char** argv) {
    if (argc < 2 || std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h") {
        print_usage(argc < 2 ? std::cerr : std::cout);
        return argc < 2 ? 2 : 0;
    }
    const std::string_view kind = argv[1];
    if (kind == "traffic") return run_train_traffic(argc, argv);
    if (kind != "url") {
        std::cerr << "vigil train: unknown model kind '" << kind << "' (url)\n";
        return 2;
    }

    ml::UrlTrainOptions options;
    DataOptionParser data_options;
    std::filesystem::path out_dir;
    std::filesystem::path brands;
    bool dedupe = true;
    bool quiet = false;
    for (int i = 2; i < argc; ++i) {
        std::string error;
        if (data_options.consume(argc, argv, i, error)) {
            if (!error.empty()) {
                std::cerr << "vigil train: " << error << "\n";
                return 2;
            }
            continue;
        }
        const std::string_view a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        auto number = [&](double& out) {
            const char* v = value();
            if (v == nullptr || !parse_number(v, out)) {
                std::cerr << "vigil train: " << a << " needs a number\n";
                return false;
            }
            return true;
        };
        double x = 0;
        if (a == "--help" || a == "-h") {
            print_usage(std::cout);
            return 0;
        } else if (a == "--out") {
            const char* v = value();
            if (v == nullptr) return std::cerr << "vigil train: --out needs a directory\n", 2;
            out_dir = v;
        } else if (a == "--brands") {
            const char* v = value();
            if (v == nullptr) return std::cerr << "vigil train: --brands needs a file\n", 2;
            brands = v;
        } else if (a == "--name" || a == "--model-version") {
            const char* v = value();
            if (v == nullptr) return std::cerr << "vigil train: " << a << " needs a value\n", 2;
            (a == "--name" ? options.name : options.version) = v;
        } else if (a == "--max-rounds") {
            if (!number(x) || x < 1) return 2;
            options.xgb.max_rounds = static_cast<int>(x);
        } else if (a == "--early-stopping") {
            if (!number(x) || x < 0) return 2;
            options.xgb.early_stopping_rounds = static_cast<int>(x);
        } else if (a == "--max-depth") {
            if (!number(x) || x < 1) return 2;
            options.xgb.max_depth = static_cast<int>(x);
        } else if (a == "--eta") {
            if (!number(x) || !(x > 0)) return 2;
            options.xgb.eta = x;
        } else if (a == "--subsample") {
            if (!number(x) || !(x > 0 && x <= 1)) return 2;
            options.xgb.subsample = x;
        } else if (a == "--colsample") {
            if (!number(x) || !(x > 0 && x <= 1)) return 2;
            options.xgb.colsample_bytree = x;
        } else if (a == "--min-child-weight") {
            if (!number(x) || x < 0) return 2;
            options.xgb.min_child_weight = x;
        } else if (a == "--lambda") {
            if (!number(x) || x < 0) return 2;
            options.xgb.lambda = x;
        } else if (a == "--seed") {
            if (!number(x) || x < 0) return 2;
            options.xgb.seed = static_cast<uint64_t>(x);
        } else if (a == "--threads") {
            if (!number(x) || x < 1) return 2;
            options.xgb.nthread = static_cast<int>(x);
        } else if (a == "--max-fpr") {
            if (!number(x) || x < 0 || x > 1) return 2;
            options.max_fpr = x;
        } else if (a == "--min-recall") {
            if (!number(x) || !(x > 0 && x <= 1)) return 2;
            options.min_recall = x;
        } else if (a == "--phishing-homepage-weight") {
            if (!number(x) || !(x > 0)) return 2;
            options.phishing_homepage_weight = x;
        } else if (a == "--no-balance") {
            options.balance_classes = false;
        } else if (a == "--no-dedupe") {
            dedupe = false;
        } else if (a == "--quiet") {
            quiet = true;
        } else {
            std::cerr << "vigil train: unknown option '" << a << "'\n\n";
            print_usage(std::cerr);
            return 2;
        }
    }
    std::string error;
    auto specs = data_options.finish(error);
    if (!specs) {
        std::cerr << "vigil train: " << error << "\n";
        return 2;
    }
    if (out_dir.empty()) {
        std::cerr << "vigil train: --out DIR is required\n";
        return 2;
    }

    ProgressReporter progress(quiet);
    auto psl = domain::PublicSuffixList::load_default();
    if (!psl) return std::cerr << "vigil train: " << psl.error().message << "\n", 1;
    if (brands.empty()) brands = default_data_dir() / "domains" / "top-10000.csv.gz";
    auto brand_list = domain::BrandList::load(brands, *psl);
    if (!brand_list) {
        std::cerr << "vigil train: cannot load the brand list " << brands.string() << ": "
                  << brand_list.error().message << " (set VIGIL_DATA_DIR or --brands)\n";
        return 1;
    }
    options.brand_list = brands;

    progress.note("loading " + std::to_string(specs->size()) + " data file(s)");
    auto data = ml::load_url_data(*specs, *psl);
    if (!data) return std::cerr << "vigil train: " << data.error().message << "\n", 1;
    if (dedupe) ml::deduplicate(*data);
    for (const ml::SourceInfo& s : data->sources) {
        progress.note("  " + s.path + ": " + s.description + ": " + std::to_string(s.kept) + " rows (" +
                      std::to_string(s.positives) + " phishing, " + std::to_string(s.negatives) + " legitimate; " +
                      std::to_string(s.duplicates) + " duplicates, " + std::to_string(s.conflicts) + " conflicts, " +
                      std::to_string(s.skipped_malformed) + " malformed, " + std::to_string(s.skipped_domain_half) +
                      " other domain half)");
    }

    features::UrlFeatureExtractor extractor(*psl, *brand_list);
    progress.note("training (" + std::to_string(data->rows.size()) + " URLs)");
    progress.start();
    auto result = ml::train_url_model(*data, extractor, options,
                                      [&](int it, int max, double v) { progress.round(it, max, v); });
    progress.end();
    if (!result) return std::cerr << "vigil train: " << result.error().message << "\n", 1;

    Status written = ml::write_url_artifact(out_dir, *result, *data, options);
    if (!written) return std::cerr << "vigil train: " << written.error().message << "\n", 1;

    const ml::BinaryMetrics& t = result->test;
    std::cout << "model " << options.name << " " << options.version << " -> " << out_dir.string() << "\n"
              << "best iteration " << result->model.best_iteration << " of " << result->model.rounds_trained
              << " rounds; features " << fmt(result->feature_seconds) << " s, training " << fmt(result->train_seconds)
              << " s\n"
              << "threshold " << result->threshold << " (validation FPR " << fmt(result->valid.fpr) << ", recall "
              << fmt(result->valid.recall) << ")\n"
              << "test split: n " << t.n << "  ROC-AUC " << fmt(t.roc_auc) << "  PR-AUC " << fmt(t.pr_auc)
              << "  accuracy " << fmt(t.accuracy) << "  precision " << fmt(t.precision) << "  recall "
              << fmt(t.recall) << "  F1 " << fmt(t.f1) << "  FPR " << fmt(t.fpr) << "\n"
              << "confusion: TP " << t.confusion.tp << "  FP " << t.confusion.fp << "  TN " << t.confusion.tn
              << "  FN " << t.confusion.fn << "\n";
    return 0;
}

}  // namespace vigil::cli
