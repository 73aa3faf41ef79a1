// The whole URL verdict core (no HTTP) on real URLs with the bundled model: what a cache miss
// costs with path attribution versus exact TreeSHAP, and how often the two agree on the top
// reasons a user is shown. Prints the agreement table before the benchmarks run.
#include <cstdlib>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "vigil/api/url_checker.hpp"
#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/ml/artifact.hpp"

namespace {

using namespace vigil;

struct Fixture {
    std::unique_ptr<domain::PublicSuffixList> psl;
    domain::BrandList brands;
    std::unique_ptr<ml::ModelArtifact> model;
    std::vector<std::string> urls;
};

Fixture& fixture() {
    static Fixture* f = [] {
        auto* fx = new Fixture;
        const auto data = data_dir(VIGIL_SOURCE_DIR);
        auto psl = domain::PublicSuffixList::load_default();
        auto brands = domain::BrandList::load(data / "domains" / "top-10000.csv.gz");
        auto model = ml::load_artifact(std::filesystem::path(VIGIL_SOURCE_DIR) / "models" / "url");
        if (!psl || !brands || !model) {
            std::fprintf(stderr, "pipeline_benchmark: cannot load PSL, brand list or models/url\n");
            std::exit(1);
        }
        fx->psl = std::make_unique<domain::PublicSuffixList>(std::move(*psl));
        fx->brands = std::move(*brands);
        fx->model = std::make_unique<ml::ModelArtifact>(std::move(*model));
        // Every 20th row of the PhishStorm-style set: both classes, real paths.
        size_t row = 0;
        (void)for_each_line(data / "url" / "phishstorm" / "urls.csv.gz", [&](std::string_view line) {
            if (row++ == 0 || row % 20 != 0) return;
            auto fields = split_csv_record(line);
            if (!fields.empty() && !fields[0].empty()) fx->urls.push_back(fields[0]);
        });
        return fx;
    }();
    return *f;
}

api::UrlChecker make_checker(api::ExplainMode mode) {
    auto& f = fixture();
    api::UrlCheckerOptions options;
    options.cache_capacity = 0;  // every call is a cache miss
    options.explain = mode;
    return api::UrlChecker(api::UrlModel{&f.model->forest, f.model->threshold, f.model->name, f.model->version},
                           *f.psl, f.brands, options);
}

void run_checks(benchmark::State& state, api::ExplainMode mode) {
    auto& f = fixture();
    auto checker = make_checker(mode);
    size_t i = 0;
    for (auto _ : state) {
        auto r = checker.check(f.urls[i]);
        benchmark::DoNotOptimize(r);
        if (++i == f.urls.size()) i = 0;
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_CheckMiss_PathExplanation(benchmark::State& s) { run_checks(s, api::ExplainMode::kNever); }
void BM_CheckMiss_ExactForFlagged(benchmark::State& s) { run_checks(s, api::ExplainMode::kFlagged); }
void BM_CheckMiss_ExactAlways(benchmark::State& s) { run_checks(s, api::ExplainMode::kAlways); }
BENCHMARK(BM_CheckMiss_PathExplanation);
BENCHMARK(BM_CheckMiss_ExactForFlagged);
BENCHMARK(BM_CheckMiss_ExactAlways);

void BM_CheckHit(benchmark::State& state) {
    auto& f = fixture();
    api::UrlCheckerOptions options;
    api::UrlChecker checker(api::UrlModel{&f.model->forest, f.model->threshold, f.model->name, f.model->version},
                            *f.psl, f.brands, options);
    const size_t n = std::min<size_t>(f.urls.size(), 1000);
    for (size_t i = 0; i < n; ++i) (void)checker.check(f.urls[i]);
    size_t i = 0;
    for (auto _ : state) {
        auto r = checker.check(f.urls[i]);
        benchmark::DoNotOptimize(r);
        if (++i == n) i = 0;
    }
}
BENCHMARK(BM_CheckHit);

// Share of URLs whose top-k reasons (by |contribution|) are the same set under both methods.
void print_agreement() {
    auto& f = fixture();
    auto exact = make_checker(api::ExplainMode::kAlways);
    auto path = make_checker(api::ExplainMode::kNever);
    std::array<size_t, 4> same{};  // top-1, top-3 set, top-5 set, top-1 sign
    size_t n = 0, flagged = 0;
    std::array<size_t, 4> same_flagged{};
    for (const auto& u : f.urls) {
        auto a = exact.check(u);
        auto b = path.check(u);
        if (!a || !b) continue;
        const auto& ra = a->verdict->reasons;
        const auto& rb = b->verdict->reasons;
        auto top_set = [](const std::vector<api::Reason>& r, size_t k) {
            std::vector<std::string> names;
            for (size_t i = 0; i < std::min(k, r.size()); ++i) names.push_back(r[i].name);
            std::sort(names.begin(), names.end());
            return names;
        };
        std::array<bool, 4> eq = {
            !ra.empty() && !rb.empty() && ra[0].name == rb[0].name, top_set(ra, 3) == top_set(rb, 3),
            top_set(ra, 5) == top_set(rb, 5),
            !ra.empty() && !rb.empty() && (ra[0].contribution > 0) == (rb[0].contribution > 0)};
        const bool is_flagged = a->verdict->verdict != api::VerdictLabel::kBenign;
        for (size_t k = 0; k < 4; ++k) {
            same[k] += eq[k];
            if (is_flagged) same_flagged[k] += eq[k];
        }
        ++n;
        flagged += is_flagged;
    }
    auto pct = [](size_t a, size_t b) { return b ? 100.0 * static_cast<double>(a) / static_cast<double>(b) : 0.0; };
    std::printf("explanation agreement, path attribution vs exact TreeSHAP, %zu URLs (%zu flagged):\n", n, flagged);
    std::printf("  same top-1 feature: %.1f %% (flagged %.1f %%)\n", pct(same[0], n), pct(same_flagged[0], flagged));
    std::printf("  same top-3 set:     %.1f %% (flagged %.1f %%)\n", pct(same[1], n), pct(same_flagged[1], flagged));
    std::printf("  same top-5 set:     %.1f %% (flagged %.1f %%)\n", pct(same[2], n), pct(same_flagged[2], flagged));
    std::printf("  same top-1 sign:    %.1f %% (flagged %.1f %%)\n", pct(same[3], n), pct(same_flagged[3], flagged));
}

}  // namespace

int main(int argc, char** argv) {
    // VIGIL_BENCH_NO_AGREEMENT=1 skips the agreement pass (e.g. to count instructions of the benchmarks alone).
    if (std::getenv("VIGIL_BENCH_NO_AGREEMENT") == nullptr) print_agreement();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
