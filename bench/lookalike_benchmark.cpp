// Cost of LookalikeDetector: index build, and one check() per host against the top-10,000 list
// and the Tranco top-100,000 list. Two host sets: "real" = hosts of ~1,000 real URLs (the
// features benchmark's sample: half phishing, half legitimate), "permutations" = dnstwist-style
// permutations of popular domains (every check walks the index and most match).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/domain/lookalike.hpp"
#include "vigil/domain/permutations.hpp"
#include "vigil/url/url.hpp"

namespace {

using namespace vigil;

std::filesystem::path data() { return data_dir(VIGIL_SOURCE_DIR); }

const domain::PublicSuffixList& psl() {
    static const auto* p = new domain::PublicSuffixList(std::move(domain::PublicSuffixList::load_default().value()));
    return *p;
}

const domain::BrandList& list(size_t n) {
    static const auto* top10k =
        new domain::BrandList(std::move(domain::BrandList::load(data() / "domains" / "top-10000.csv.gz", psl()).value()));
    static const auto* tranco = new domain::BrandList(std::move(
        domain::BrandList::load(data() / "domains" / "tranco" / "tranco_top100k.csv.gz", psl(), 100000).value()));
    return n == 10000 ? *top10k : *tranco;
}

const domain::LookalikeDetector& detector(size_t n) {
    static const auto* d10k = new domain::LookalikeDetector(domain::LookalikeDetector::build(list(10000), psl()));
    static const auto* d100k = new domain::LookalikeDetector(domain::LookalikeDetector::build(list(100000), psl()));
    return n == 10000 ? *d10k : *d100k;
}

// Hosts of every step-th URL of a labelled CSV (column "url").
void add_hosts(const std::filesystem::path& path, size_t count, std::vector<std::string>& out) {
    std::vector<std::string> all;
    int col = -1;
    (void)for_each_line(path, [&](std::string_view line) {
        auto fields = split_csv_record(line);
        if (col < 0) {
            for (size_t i = 0; i < fields.size(); ++i) {
                if (fields[i] == "url") col = static_cast<int>(i);
            }
            return;
        }
        if (static_cast<size_t>(col) < fields.size()) all.push_back(fields[col]);
    });
    const size_t step = std::max<size_t>(1, all.size() / count);
    for (size_t i = 0; i < all.size() && count > 0; i += step, --count) {
        auto u = url::parse(all[i]);
        if (u.ok() && u->host_kind == url::HostKind::kName) out.push_back(u->host);
    }
}

const std::vector<std::string>& real_hosts() {
    static const auto* hosts = [] {
        auto* h = new std::vector<std::string>;
        add_hosts(data() / "url" / "phishstorm" / "urls.csv.gz", 500, *h);
        add_hosts(data() / "url" / "hannousse2021" / "dataset_phishing.csv.gz", 500, *h);
        std::fprintf(stderr, "lookalike_benchmark: %zu real hosts\n", h->size());
        return h;
    }();
    return *hosts;
}

const std::vector<std::string>& permutation_hosts() {
    static const auto* hosts = [] {
        auto* h = new std::vector<std::string>;
        const auto& ranked = list(10000).ranked_domains();
        for (size_t r = 0; r < ranked.size() && h->size() < 5000; r += 50) {
            auto p = domain::permute(ranked[r], psl());
            if (!p.ok()) continue;
            for (size_t i = 0; i < p->size(); i += 7) h->push_back((*p)[i].domain);
        }
        std::fprintf(stderr, "lookalike_benchmark: %zu permutation hosts\n", h->size());
        return h;
    }();
    return *hosts;
}

void BM_Build(benchmark::State& state) {
    const auto& brands = list(static_cast<size_t>(state.range(0)));
    size_t keys = 0, bytes = 0;
    for (auto _ : state) {
        auto d = domain::LookalikeDetector::build(brands, psl());
        keys = d.indexed_keys();
        bytes = d.index_bytes();
        benchmark::DoNotOptimize(d);
    }
    state.counters["index_keys"] = static_cast<double>(keys);
    state.counters["index_MiB"] = static_cast<double>(bytes) / (1024.0 * 1024.0);
}
BENCHMARK(BM_Build)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(3);

template <bool kPermutations>
void BM_Check(benchmark::State& state) {
    const auto& d = detector(static_cast<size_t>(state.range(0)));
    const auto& hosts = kPermutations ? permutation_hosts() : real_hosts();
    size_t i = 0, flagged = 0, checks = 0;
    for (auto _ : state) {
        const auto m = d.check(hosts[i]);
        flagged += static_cast<bool>(m);
        ++checks;
        benchmark::DoNotOptimize(m);
        if (++i == hosts.size()) i = 0;
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["flagged_share"] = checks == 0 ? 0.0 : static_cast<double>(flagged) / static_cast<double>(checks);
}
BENCHMARK_TEMPLATE(BM_Check, false)->Name("BM_CheckRealHosts")->Arg(10000)->Arg(100000);
BENCHMARK_TEMPLATE(BM_Check, true)->Name("BM_CheckPermutations")->Arg(10000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
