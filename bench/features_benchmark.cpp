// Cost per URL of url::parse, url::canonicalize, the public suffix lookup and parse + feature
// extraction, over ~1000 real URLs: 500 spread evenly over PhishStorm-style urls.csv.gz and 500
// over Hannousse 2021 (both phishing and legitimate rows). Each iteration handles one URL and
// the loop cycles through the set, so the figure is ns/URL averaged over real inputs.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <string>
#include <vector>

#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/features/url_features.hpp"

namespace {

using namespace vigil;

// Every step-th value of the `url` column, `count` values in all.
std::vector<std::string> sample_urls(const std::filesystem::path& path, size_t count) {
    std::vector<std::string> all;
    int url_col = -1;
    auto n = for_each_line(path, [&](std::string_view line) {
        auto fields = split_csv_record(line);
        if (url_col < 0) {
            for (size_t i = 0; i < fields.size(); ++i) {
                if (fields[i] == "url") url_col = static_cast<int>(i);
            }
            return;
        }
        if (static_cast<size_t>(url_col) < fields.size()) all.push_back(fields[url_col]);
    });
    if (!n.ok() || all.empty()) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        return {};
    }
    std::vector<std::string> out;
    const size_t step = std::max<size_t>(1, all.size() / count);
    for (size_t i = 0; i < all.size() && out.size() < count; i += step) out.push_back(all[i]);
    return out;
}

struct Corpus {
    std::vector<std::string> urls;
    std::vector<url::ParsedUrl> parsed;
    domain::PublicSuffixList psl;
    domain::BrandList brands;
};

const Corpus& corpus() {
    static const Corpus* c = [] {
        const auto data = data_dir(VIGIL_SOURCE_DIR);
        auto psl = domain::PublicSuffixList::load_default();
        auto brands = domain::BrandList::load(data / "domains" / "top-10000.csv.gz", psl.value());
        auto* out = new Corpus{{}, {}, std::move(psl.value()), std::move(brands.value())};
        for (auto* part : {"url/phishstorm/urls.csv.gz", "url/hannousse2021/dataset_phishing.csv.gz"}) {
            for (auto& u : sample_urls(data / part, 500)) {
                auto p = url::parse(u);
                if (!p.ok()) continue;  // keep only URLs every benchmark can process
                out->urls.push_back(std::move(u));
                out->parsed.push_back(std::move(p.value()));
            }
        }
        std::fprintf(stderr, "features_benchmark: %zu URLs, %zu features, PSL from %s\n", out->urls.size(),
                     features::kNumFeatures, out->psl.source().c_str());
        return out;
    }();
    return *c;
}

void BM_Parse(benchmark::State& state) {
    const auto& c = corpus();
    size_t i = 0;
    for (auto _ : state) {
        auto r = url::parse(c.urls[i]);
        benchmark::DoNotOptimize(r);
        if (++i == c.urls.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Parse);

// url::parse into one ParsedUrl reused across calls (no allocation once its strings have grown).
void BM_ParseReuse(benchmark::State& state) {
    const auto& c = corpus();
    url::ParsedUrl parsed;
    size_t i = 0;
    for (auto _ : state) {
        auto status = url::parse(c.urls[i], parsed);
        benchmark::DoNotOptimize(status);
        benchmark::DoNotOptimize(parsed);
        if (++i == c.urls.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseReuse);

void BM_Canonicalize(benchmark::State& state) {
    const auto& c = corpus();
    size_t i = 0;
    for (auto _ : state) {
        auto r = url::canonicalize(c.urls[i]);
        benchmark::DoNotOptimize(r);
        if (++i == c.urls.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Canonicalize);

void BM_RegistrableDomain(benchmark::State& state) {
    const auto& c = corpus();
    size_t i = 0;
    for (auto _ : state) {
        auto r = c.psl.registrable_domain(c.parsed[i].host);
        benchmark::DoNotOptimize(r);
        if (++i == c.parsed.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RegistrableDomain);

void BM_ExtractOnly(benchmark::State& state) {
    const auto& c = corpus();
    const features::UrlFeatureExtractor extractor(c.psl, c.brands);
    features::FeatureVector v{};
    size_t i = 0;
    for (auto _ : state) {
        extractor.extract(c.parsed[i], v);
        benchmark::DoNotOptimize(v);
        if (++i == c.parsed.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExtractOnly);

// The same over only the first `range(0)` URLs, spread over the set: the lookup tables they touch
// stay in the caches, so the gap to BM_ExtractOnly is what cache misses cost.
void BM_ExtractHotTables(benchmark::State& state) {
    const auto& c = corpus();
    const features::UrlFeatureExtractor extractor(c.psl, c.brands);
    std::vector<const url::ParsedUrl*> few;
    const size_t n = static_cast<size_t>(state.range(0));
    for (size_t k = 0; k < n && k < c.parsed.size(); ++k) few.push_back(&c.parsed[k * c.parsed.size() / n]);
    features::FeatureVector v{};
    size_t i = 0;
    for (auto _ : state) {
        extractor.extract(*few[i], v);
        benchmark::DoNotOptimize(v);
        if (++i == few.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExtractHotTables)->Arg(16);

void BM_ParseAndExtract(benchmark::State& state) {
    const auto& c = corpus();
    const features::UrlFeatureExtractor extractor(c.psl, c.brands);
    features::FeatureVector v{};
    size_t i = 0;
    for (auto _ : state) {
        auto r = url::parse(c.urls[i]);
        if (r.ok()) extractor.extract(r.value(), v);
        benchmark::DoNotOptimize(v);
        if (++i == c.urls.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseAndExtract);

// The same with the reusing parse (as a server thread or a training loop does it).
void BM_ParseReuseAndExtract(benchmark::State& state) {
    const auto& c = corpus();
    const features::UrlFeatureExtractor extractor(c.psl, c.brands);
    features::FeatureVector v{};
    url::ParsedUrl parsed;
    size_t i = 0;
    for (auto _ : state) {
        if (url::parse(c.urls[i], parsed).ok()) extractor.extract(parsed, v);
        benchmark::DoNotOptimize(v);
        if (++i == c.urls.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseReuseAndExtract);

// Every URL of both sets (~97,000 distinct URLs, ~8 MB of strings) that parses: the input of
// the "many URLs" benchmark below.
const std::vector<std::string>& many_urls() {
    static const std::vector<std::string>* urls = [] {
        const auto data = data_dir(VIGIL_SOURCE_DIR);
        auto* out = new std::vector<std::string>;
        for (auto* part : {"url/phishstorm/urls.csv.gz", "url/hannousse2021/dataset_phishing.csv.gz"}) {
            for (auto& u : sample_urls(data / part, SIZE_MAX)) {
                if (url::parse(u).ok()) out->push_back(std::move(u));
            }
        }
        std::fprintf(stderr, "features_benchmark: %zu URLs in the many-URLs set\n", out->size());
        return out;
    }();
    return *urls;
}

// Parse (reused ParsedUrl) + extract cycling over ~97,000 distinct URLs instead of 1,000: the
// table lines a URL needs (suffix rules, ranked domains, brand and lookalike indexes) were
// rarely used by the URLs just before it, as in a server seeing real traffic, so this is the
// cold-table figure. The URL string itself is read once by the parser, as in the server.
void BM_ParseReuseAndExtractManyUrls(benchmark::State& state) {
    const auto& c = corpus();
    const auto& urls = many_urls();
    const features::UrlFeatureExtractor extractor(c.psl, c.brands);
    features::FeatureVector v{};
    url::ParsedUrl parsed;
    size_t i = 0;
    for (auto _ : state) {
        if (url::parse(urls[i], parsed).ok()) extractor.extract(parsed, v);
        benchmark::DoNotOptimize(v);
        if (++i == urls.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseReuseAndExtractManyUrls);

// `--passes=N --only=parse|parse-reuse|canonicalize|extract|parse+extract|parse-reuse+extract`: run N plain
// passes over the corpus and exit, for counting instructions with `valgrind --tool=callgrind` (subtract a run
// with --passes=0). `--only=many-parse-reuse+extract` (or `many-parse-reuse`): the first N URLs of the
// many-URLs set, once.
int run_passes(int passes, std::string_view only) {
    const auto& c = corpus();
    const features::UrlFeatureExtractor extractor(c.psl, c.brands);
    features::FeatureVector v{};
    url::ParsedUrl reused;
    if (only == "many-parse-reuse+extract" || only == "many-parse-reuse") {
        // One pass over the many-URLs set (passes = how many of its URLs, for callgrind's cache
        // simulation of cold tables).
        const auto& urls = many_urls();
        for (size_t i = 0; i < urls.size() && i < static_cast<size_t>(passes); ++i) {
            if (url::parse(urls[i], reused).ok() && only == "many-parse-reuse+extract") extractor.extract(reused, v);
            benchmark::DoNotOptimize(v);
        }
        return 0;
    }
    for (int p = 0; p < passes; ++p) {
        for (size_t i = 0; i < c.urls.size(); ++i) {
            if (only == "parse") {
                auto r = url::parse(c.urls[i]);
                benchmark::DoNotOptimize(r);
            } else if (only == "parse-reuse") {
                auto status = url::parse(c.urls[i], reused);
                benchmark::DoNotOptimize(status);
            } else if (only == "parse-reuse+extract") {
                if (url::parse(c.urls[i], reused).ok()) extractor.extract(reused, v);
                benchmark::DoNotOptimize(v);
            } else if (only == "canonicalize") {
                auto r = url::canonicalize(c.urls[i]);
                benchmark::DoNotOptimize(r);
            } else if (only == "parse+extract") {
                auto r = url::parse(c.urls[i]);
                if (r.ok()) extractor.extract(r.value(), v);
                benchmark::DoNotOptimize(v);
            } else {
                extractor.extract(c.parsed[i], v);
                benchmark::DoNotOptimize(v);
            }
        }
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int passes = -1;
    std::string_view only = "extract";
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.substr(0, 9) == "--passes=") passes = std::atoi(argv[i] + 9);
        if (arg.substr(0, 7) == "--only=") only = arg.substr(7);
    }
    if (passes >= 0) return run_passes(passes, only);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
