// Single-row inference cost: native forest vs XGBoost's own entry points, on one model, in one
// run. The model is ~300 trees of depth 6 over 64 features, trained at start-up on seeded
// synthetic data (or VIGIL_BENCH_MODEL=path/to/xgboost.json to use a saved model instead;
// VIGIL_BENCH_SAVE_MODEL=path saves the trained one).
// After the runs a table of ratios (XGBoost time / native time) is printed, and scalar / AVX2 walk
// for the *Scalar twins (same model pinned to the portable walk; with
// --benchmark_enable_random_interleaving=true one run is an A/B test on a busy machine).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vigil/ml/forest.hpp"
#include "vigil/ml/xgboost.hpp"

namespace {

using vigil::ml::Booster;
using vigil::ml::DenseData;
using vigil::ml::Forest;
using vigil::ml::PredictKind;

constexpr size_t kFeatures = 64;
constexpr size_t kRows = 1024;  // rows cycled through, so branch predictors cannot learn one path

struct Setup {
    std::unique_ptr<Forest> forest;
    std::unique_ptr<Forest> scalar_forest;  // the same model pinned to the portable scalar walks
    std::unique_ptr<Booster> booster;
    DenseData rows;
    std::string description;
};

Setup* make_setup() {
    auto* s = new Setup;
    std::string json;
    if (const char* path = std::getenv("VIGIL_BENCH_MODEL")) {
        auto b = Booster::load_model(path);
        if (!b) {
            std::fprintf(stderr, "cannot load %s: %s\n", path, b.error().message.c_str());
            std::exit(1);
        }
        json = *b->save_json();
        s->description = path;
    } else {
        const DenseData train = vigil::ml::make_synthetic_binary(20000, kFeatures, 0.05, 1);
        const DenseData valid = vigil::ml::make_synthetic_binary(2000, kFeatures, 0.05, 2);
        vigil::ml::TrainParams p;
        p.max_rounds = 300;
        p.early_stopping_rounds = 0;  // keep all 300 trees
        p.max_depth = 6;
        p.eta = 0.05;
        p.subsample = 0.8;
        p.colsample_bytree = 0.8;
        p.nthread = 1;
        auto out = vigil::ml::train_binary(train, valid, p);
        if (!out) {
            std::fprintf(stderr, "training failed: %s\n", out.error().message.c_str());
            std::exit(1);
        }
        json = out->model_json;
        s->description = "synthetic (seed 1, 20000 rows)";
        if (const char* save = std::getenv("VIGIL_BENCH_SAVE_MODEL")) {  // to rerun without training
            if (FILE* f = std::fopen(save, "wb")) {
                std::fwrite(json.data(), 1, json.size(), f);
                std::fclose(f);
            }
        }
    }
    auto f = Forest::parse_xgboost_json(json);
    auto b = Booster::load_model_from_buffer(json);
    if (!f || !b) {
        std::fprintf(stderr, "cannot load the model: %s\n", (!f ? f.error() : b.error()).message.c_str());
        std::exit(1);
    }
    s->forest = std::make_unique<Forest>(std::move(*f));
    s->booster = std::make_unique<Booster>(std::move(*b));
    s->scalar_forest = std::make_unique<Forest>(*s->forest);
    s->scalar_forest->set_avx2_walk(false);
    // Single-row serving: one thread per request, no OpenMP fan-out inside XGBoost.
    if (!s->booster->set_param("nthread", "1")) std::exit(1);
    s->rows = vigil::ml::make_synthetic_binary(kRows, s->forest->num_features(), 0.05, 3);
    std::fprintf(stderr, "model: %s, %zu trees, %zu nodes, max depth %d, %zu features; AVX2 walk %s\n",
                 s->description.c_str(), s->forest->num_trees(), s->forest->num_nodes(), s->forest->max_depth(),
                 s->forest->num_features(), s->forest->avx2_walk() ? "on" : "off (CPU without AVX2)");
    return s;
}

Setup& setup() {
    static Setup* s = make_setup();  // built once, before the first benchmark runs
    return *s;
}

void BM_NativePredictRow(benchmark::State& state) {
    Setup& s = setup();
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(s.forest->predict_proba(s.rows.row(i)));
        i = (i + 1) % kRows;
    }
}

// predict_proba with the portable scalar walk (the AVX2 one above when the CPU has it).
void BM_NativePredictRowScalar(benchmark::State& state) {
    Setup& s = setup();
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(s.scalar_forest->predict_proba(s.rows.row(i)));
        i = (i + 1) % kRows;
    }
}

void BM_XgboostPredictFromDenseRow(benchmark::State& state) {
    Setup& s = setup();
    size_t i = 0;
    for (auto _ : state) {
        auto p = s.booster->predict_row(s.rows.row(i));
        if (!p) state.SkipWithError(p.error().message.c_str());
        benchmark::DoNotOptimize(p);
        i = (i + 1) % kRows;
    }
}

void BM_NativeTreeShapAlgo2Row(benchmark::State& state) {
    Setup& s = setup();
    std::vector<float> out(s.forest->num_features() + 1);
    size_t i = 0;
    for (auto _ : state) {
        s.forest->shap_values_path(s.rows.row(i), out);
        benchmark::DoNotOptimize(out.data());
        i = (i + 1) % kRows;
    }
}

void BM_NativeTreeShapRow(benchmark::State& state) {
    Setup& s = setup();
    std::vector<float> out(s.forest->num_features() + 1);
    size_t i = 0;
    for (auto _ : state) {
        s.forest->shap_values(s.rows.row(i), out);
        benchmark::DoNotOptimize(out.data());
        i = (i + 1) % kRows;
    }
}

void BM_XgboostContribsRow(benchmark::State& state) {
    Setup& s = setup();
    std::vector<float> out(s.forest->num_features() + 1);
    size_t i = 0;
    for (auto _ : state) {
        auto st = s.booster->predict_row_contribs(s.rows.row(i), out);
        if (!st) state.SkipWithError(st.error().message.c_str());
        benchmark::DoNotOptimize(out.data());
        i = (i + 1) % kRows;
    }
}

void BM_XgboostApproxContribsRow(benchmark::State& state) {
    Setup& s = setup();
    std::vector<float> out(s.forest->num_features() + 1);
    size_t i = 0;
    for (auto _ : state) {
        auto st = s.booster->predict_row_contribs(s.rows.row(i), out, PredictKind::kApproxContribs);
        if (!st) state.SkipWithError(st.error().message.c_str());
        benchmark::DoNotOptimize(out.data());
        i = (i + 1) % kRows;
    }
}

void BM_NativePathContributionsRow(benchmark::State& state) {
    Setup& s = setup();
    std::vector<float> out(s.forest->num_features() + 1);
    size_t i = 0;
    for (auto _ : state) {
        s.forest->path_contributions(s.rows.row(i), out);
        benchmark::DoNotOptimize(out.data());
        i = (i + 1) % kRows;
    }
}

// What a cache-miss /api/v1/check runs: the same walk, also returning the margin.
void BM_NativePathContributionsAndMarginRow(benchmark::State& state) {
    Setup& s = setup();
    std::vector<float> out(s.forest->num_features() + 1);
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(s.forest->path_contributions_and_margin(s.rows.row(i), out));
        benchmark::DoNotOptimize(out.data());
        i = (i + 1) % kRows;
    }
}

// The same with the portable scalar walk.
void BM_NativePathContributionsAndMarginRowScalar(benchmark::State& state) {
    Setup& s = setup();
    std::vector<float> out(s.forest->num_features() + 1);
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(s.scalar_forest->path_contributions_and_margin(s.rows.row(i), out));
        benchmark::DoNotOptimize(out.data());
        i = (i + 1) % kRows;
    }
}

// Top 5 reasons from one row's path contributions (precomputed, cycled): the vector form and
// the form writing into a caller's array.
std::vector<std::vector<float>>& contribution_rows() {
    static std::vector<std::vector<float>>* rows = [] {
        auto* r = new std::vector<std::vector<float>>;
        Setup& s = setup();
        for (size_t i = 0; i < kRows; ++i) {
            r->emplace_back(s.forest->num_features() + 1);
            s.forest->path_contributions(s.rows.row(i), r->back());
        }
        return r;
    }();
    return *rows;
}

void BM_TopK5Vector(benchmark::State& state) {
    auto& rows = contribution_rows();
    size_t i = 0;
    for (auto _ : state) {
        auto top = Forest::top_k(rows[i], 5);
        benchmark::DoNotOptimize(top.data());
        i = (i + 1) % kRows;
    }
}

void BM_TopK5IntoArray(benchmark::State& state) {
    auto& rows = contribution_rows();
    vigil::ml::FeatureContribution top[5];
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(Forest::top_k(rows[i], top));
        benchmark::DoNotOptimize(&top[0]);
        i = (i + 1) % kRows;
    }
}

void BM_NativePredictBatch1024(benchmark::State& state) {
    Setup& s = setup();
    std::vector<float> out(kRows);
    for (auto _ : state) {
        s.forest->predict_proba_batch(s.rows.values, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRows));
}

BENCHMARK(BM_NativePredictRow);
BENCHMARK(BM_NativePredictRowScalar);
BENCHMARK(BM_XgboostPredictFromDenseRow);
BENCHMARK(BM_NativeTreeShapAlgo2Row);
BENCHMARK(BM_NativeTreeShapRow);
BENCHMARK(BM_XgboostContribsRow);
BENCHMARK(BM_XgboostApproxContribsRow);
BENCHMARK(BM_NativePathContributionsRow);
BENCHMARK(BM_NativePathContributionsAndMarginRow);
BENCHMARK(BM_NativePathContributionsAndMarginRowScalar);
BENCHMARK(BM_TopK5Vector);
BENCHMARK(BM_TopK5IntoArray);
BENCHMARK(BM_NativePredictBatch1024);

// Console output as usual, plus the per-row CPU times kept for the ratio table (CPU rather than
// wall time: other jobs share the 2 cores, and every benchmark here is single-threaded).
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        // With --benchmark_repetitions the median aggregate (reported after the runs) wins.
        for (const Run& r : runs) {
            if (r.error_occurred) continue;
            const double ns = r.GetAdjustedCPUTime() * 1e9 / benchmark::GetTimeUnitMultiplier(r.time_unit);
            if (r.run_type == Run::RT_Iteration) ns_[r.run_name.function_name] = ns;
            if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median") ns_[r.run_name.function_name] = ns;
        }
        ConsoleReporter::ReportRuns(runs);
    }
    void print_ratios() const {
        auto ratio = [&](const char* label, const char* xgb, const char* native) {
            auto a = ns_.find(xgb), b = ns_.find(native);
            if (a == ns_.end() || b == ns_.end() || b->second <= 0) return;
            std::printf("%-58s %10.0f ns / %8.0f ns = %6.1fx\n", label, a->second, b->second, a->second / b->second);
        };
        std::printf("\nratios (XGBoost / native, CPU time per row, median when repeated; the machine is shared):\n");
        ratio("predict: XGBoosterPredictFromDense / predict_proba", "BM_XgboostPredictFromDenseRow",
              "BM_NativePredictRow");
        ratio("SHAP: XGBoost pred_contribs / shap_values_path (Alg. 2)", "BM_XgboostContribsRow",
              "BM_NativeTreeShapAlgo2Row");
        ratio("SHAP: XGBoost pred_contribs / shap_values", "BM_XgboostContribsRow", "BM_NativeTreeShapRow");
        ratio("XGBoost approx pred_contribs / path_contributions", "BM_XgboostApproxContribsRow",
              "BM_NativePathContributionsRow");
        ratio("predict_proba: scalar walk / AVX2 walk", "BM_NativePredictRowScalar", "BM_NativePredictRow");
        ratio("path_contributions_and_margin: scalar / AVX2 walk", "BM_NativePathContributionsAndMarginRowScalar",
              "BM_NativePathContributionsAndMarginRow");
    }

private:
    std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    setup();
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    reporter.print_ratios();
    benchmark::Shutdown();
    return 0;
}
