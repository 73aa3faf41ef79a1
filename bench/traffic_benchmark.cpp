// Traffic model inference on the 22,544 KDDTest+ records (read through VIGIL_DATA_DIR or
// ../shared/data), per model directory:
//   Score/<model>     TrafficModel::score on a Record: encode + binary + family heads + top-5 reasons
//   Predict/<model>   binary + family heads on an encoded row (no explanation)
//   Encode/<model>    preprocessing of one Record
// and for tree models, the binary head alone: native Forest vs XGBoost, one row at a time
// (XGBoosterPredictFromDense) and in batches of 1,024 rows (Forest::predict_proba_batch vs
// XGBoosterPredict on a DMatrix). items_per_second = records per second.
// Models: VIGIL_BENCH_TRAFFIC_MODELS=dir1:dir2..., default models/traffic and
// models/traffic-packets plus every dir/candidates/<algorithm> found under them.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/ml/forest.hpp"
#include "vigil/ml/xgboost.hpp"
#include "vigil/traffic/artifact.hpp"

namespace {

namespace fs = std::filesystem;
using namespace vigil;

struct Loaded {
    std::string label;
    std::unique_ptr<traffic::TrafficModel> model;  // for Score
    traffic::TrafficArtifact artifact;             // for Predict / Encode
    std::vector<float> encoded;                    // all records, row-major
    std::unique_ptr<ml::Forest> forest;            // binary head (tree models)
    std::unique_ptr<ml::Booster> booster;
};

traffic::TrafficData* g_data = nullptr;
std::vector<traffic::Record>* g_records = nullptr;
std::vector<Loaded*> g_models;

std::vector<fs::path> model_dirs() {
    std::vector<fs::path> dirs;
    if (const char* env = std::getenv("VIGIL_BENCH_TRAFFIC_MODELS")) {
        std::stringstream ss(env);
        std::string item;
        while (std::getline(ss, item, ':')) {
            if (!item.empty()) dirs.emplace_back(item);
        }
    } else {
        dirs = {fs::path(VIGIL_SOURCE_DIR) / "models" / "traffic", fs::path(VIGIL_SOURCE_DIR) / "models" / "traffic-packets"};
    }
    std::vector<fs::path> all;
    for (const auto& d : dirs) {
        all.push_back(d);
        std::error_code ec;
        for (const char* algo : {"gb", "rf", "svm", "nn"}) {
            if (fs::exists(d / "candidates" / algo / "metadata.json", ec)) all.push_back(d / "candidates" / algo);
        }
    }
    return all;
}

void setup() {
    const auto path = data_dir(VIGIL_SOURCE_DIR) / "traffic" / "nsl-kdd" / "KDDTest+.txt.gz";
    auto data = traffic::load_nsl_kdd(path);
    if (!data) {
        std::fprintf(stderr, "cannot load %s: %s\n", path.string().c_str(), data.error().message.c_str());
        std::exit(1);
    }
    g_data = new traffic::TrafficData(std::move(*data));
    g_records = new std::vector<traffic::Record>();
    for (size_t r = 0; r < g_data->num_rows; ++r) g_records->push_back(g_data->record(r));
    for (const auto& dir : model_dirs()) {
        auto a = traffic::load_traffic_artifact(dir);
        auto b = traffic::load_traffic_artifact(dir);
        if (!a || !b) {
            std::fprintf(stderr, "skipping %s: %s\n", dir.string().c_str(), (a ? b : a).error().message.c_str());
            continue;
        }
        auto* m = new Loaded;
        m->label = dir.parent_path().filename() == "candidates" ? dir.parent_path().parent_path().filename().string() + "/" +
                                                                    dir.filename().string()
                                                              : dir.filename().string() + "(" + a->algorithm + ")";
        m->encoded = a->preprocessor.encode_all(*g_data);
        if (a->algorithm == "gb" || a->algorithm == "rf") {
            auto text = read_file(dir / "binary.json");
            auto forest = ml::Forest::parse_xgboost_json(*text);
            auto booster = ml::Booster::load_model_from_buffer(*text);
            if (forest && booster) {
                m->forest = std::make_unique<ml::Forest>(std::move(*forest));
                m->booster = std::make_unique<ml::Booster>(std::move(*booster));
                (void)m->booster->set_param("nthread", "1");
            }
        }
        m->artifact = std::move(*a);
        m->model = traffic::make_traffic_model(std::move(*b));
        g_models.push_back(m);
    }
}

void register_all() {
    constexpr size_t kBatch = 1024;
    for (Loaded* m : g_models) {
        const size_t nf = m->artifact.preprocessor.num_features();
        const size_t n = g_data->num_rows;
        benchmark::RegisterBenchmark(("Score/" + m->label).c_str(), [m, n](benchmark::State& state) {
            size_t i = 0;
            for (auto _ : state) {
                auto v = m->model->score((*g_records)[i]);
                benchmark::DoNotOptimize(v);
                if (++i == n) i = 0;
            }
            state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
        });
        benchmark::RegisterBenchmark(("Predict/" + m->label).c_str(), [m, n, nf](benchmark::State& state) {
            size_t i = 0;
            for (auto _ : state) {
                auto p = m->artifact.predict(std::span(m->encoded).subspan(i * nf, nf));
                benchmark::DoNotOptimize(p);
                if (++i == n) i = 0;
            }
            state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
        });
        benchmark::RegisterBenchmark(("Encode/" + m->label).c_str(), [m, n, nf](benchmark::State& state) {
            std::vector<float> out(nf);
            size_t i = 0;
            for (auto _ : state) {
                auto st = m->artifact.preprocessor.encode((*g_records)[i], out);
                benchmark::DoNotOptimize(st);
                benchmark::DoNotOptimize(out.data());
                if (++i == n) i = 0;
            }
            state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
        });
        if (!m->forest) continue;
        benchmark::RegisterBenchmark(("BinaryRow/native/" + m->label).c_str(), [m, n, nf](benchmark::State& state) {
            size_t i = 0;
            for (auto _ : state) {
                benchmark::DoNotOptimize(m->forest->predict_proba(std::span(m->encoded).subspan(i * nf, nf)));
                if (++i == n) i = 0;
            }
            state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
        });
        benchmark::RegisterBenchmark(("BinaryRow/xgboost/" + m->label).c_str(), [m, n, nf](benchmark::State& state) {
            size_t i = 0;
            for (auto _ : state) {
                auto p = m->booster->predict_row(std::span(m->encoded).subspan(i * nf, nf));
                benchmark::DoNotOptimize(p);
                if (++i == n) i = 0;
            }
            state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
        });
        benchmark::RegisterBenchmark(("BinaryBatch1024/native/" + m->label).c_str(), [m, n, nf](benchmark::State& state) {
            std::vector<float> out(kBatch);
            size_t start = 0;
            for (auto _ : state) {
                m->forest->predict_proba_batch(std::span(m->encoded).subspan(start * nf, kBatch * nf), out);
                benchmark::DoNotOptimize(out.data());
                start = start + 2 * kBatch > n ? 0 : start + kBatch;
            }
            state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
        });
        benchmark::RegisterBenchmark(("BinaryBatch1024/xgboost/" + m->label).c_str(), [m, n, nf](benchmark::State& state) {
            size_t start = 0;
            for (auto _ : state) {
                auto dm = ml::DMatrix::from_dense(std::span(m->encoded).subspan(start * nf, kBatch * nf), kBatch, nf);
                auto p = m->booster->predict(*dm);
                benchmark::DoNotOptimize(p);
                start = start + 2 * kBatch > n ? 0 : start + kBatch;
            }
            state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBatch));
        });
    }
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    setup();
    register_all();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
