// Threat intel on the PhishTank dump (../shared/data/intel/phishtank-2021-03): what a feed lookup costs
// (hashing the lookup expressions, and the set lookups alone), reading the current index, building the
// index, swapping in a refresh, and the URL checker's cache-hit path with and without the intel rules.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "vigil/api/intel_rules.hpp"
#include "vigil/api/url_checker.hpp"
#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/intel/feed_parser.hpp"
#include "vigil/intel/intel_state.hpp"
#include "vigil/ml/artifact.hpp"

namespace {

using namespace vigil;

struct Fixture {
    std::string dump;                        // PhishTank CSV text
    std::vector<intel::FeedEntry> entries;   // its entries
    intel::IntelState state;
    std::vector<std::string> canonical;      // URLs to look up: half listed, half not
    std::vector<std::vector<url::Sha256Digest>> hashes;
    std::unique_ptr<domain::PublicSuffixList> psl;
    domain::BrandList brands;
    std::unique_ptr<ml::ModelArtifact> model;
};

Fixture& fixture() {
    static Fixture* f = [] {
        auto* fx = new Fixture;
        const auto data = data_dir(VIGIL_SOURCE_DIR);
        auto dump = read_file(data / "intel" / "phishtank-2021-03" / "verified_online.csv.gz");
        auto psl = domain::PublicSuffixList::load_default();
        auto brands = domain::BrandList::load(data / "domains" / "top-10000.csv.gz");
        auto model = ml::load_artifact(std::filesystem::path(VIGIL_SOURCE_DIR) / "models" / "url");
        if (!dump || !psl || !brands || !model) {
            std::fprintf(stderr, "intel_benchmark: cannot load the PhishTank dump, PSL, brands or models/url\n");
            std::exit(1);
        }
        fx->dump = std::move(*dump);
        auto parsed = intel::parse_feed(fx->dump, intel::FeedFormat::kPhishTank);
        fx->entries = intel::build_entries(parsed->items, 1).entries;
        fx->state.load_source("phishtank", fx->entries);
        // Listed URLs (a page under each listed expression) and unlisted ones.
        for (size_t i = 0; i < parsed->items.size() && fx->canonical.size() < 2000; i += 5) {
            auto c = url::canonicalize(parsed->items[i].url);
            if (!c) continue;
            fx->canonical.push_back(*c);
            fx->canonical.push_back("https://www.example-" + std::to_string(i) + ".com/account/login.php?id=" +
                                    std::to_string(i));
        }
        for (const auto& c : fx->canonical) {
            std::vector<url::Sha256Digest> h;
            for (const auto& e : url::lookup_expressions(c)) h.push_back(url::sha256(e));
            fx->hashes.push_back(std::move(h));
        }
        fx->psl = std::make_unique<domain::PublicSuffixList>(std::move(*psl));
        fx->brands = std::move(*brands);
        fx->model = std::make_unique<ml::ModelArtifact>(std::move(*model));
        std::fprintf(stderr, "intel_benchmark: %zu entries, %zu lookup URLs, index %zu bytes\n", fx->entries.size(),
                     fx->canonical.size(), fx->state.snapshot()->memory_bytes());
        return fx;
    }();
    return *f;
}

// Expressions + SHA-256 of each + set lookups: a feed lookup from a canonical URL, nothing cached.
void BM_FeedLookup_HashAndMatch(benchmark::State& state) {
    auto& f = fixture();
    size_t i = 0, expressions = 0;
    for (auto _ : state) {
        const auto index = f.state.snapshot();
        const auto exprs = url::lookup_expressions(f.canonical[i]);
        uint64_t sources = 0;
        for (const auto& e : exprs) {
            if (const auto* l = index->find(url::sha256(e))) sources |= l->sources;
        }
        benchmark::DoNotOptimize(sources);
        expressions += exprs.size();
        if (++i == f.canonical.size()) i = 0;
    }
    state.counters["expressions_per_url"] =
        benchmark::Counter(static_cast<double>(expressions) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_FeedLookup_HashAndMatch);

// The per-request part when the checker cached the hashes with the model verdict: snapshot + set lookups.
void BM_FeedLookup_MatchOnly(benchmark::State& state) {
    auto& f = fixture();
    size_t i = 0;
    for (auto _ : state) {
        const auto index = f.state.snapshot();
        benchmark::DoNotOptimize(index->match(f.hashes[i]));
        if (++i == f.hashes.size()) i = 0;
    }
}
BENCHMARK(BM_FeedLookup_MatchOnly)->Threads(1)->Threads(2);

// Reading the current index: one std::atomic<std::shared_ptr> load (and the release of the copy).
void BM_SnapshotLoad(benchmark::State& state) {
    auto& f = fixture();
    for (auto _ : state) {
        auto index = f.state.snapshot();
        benchmark::DoNotOptimize(index.get());
    }
}
BENCHMARK(BM_SnapshotLoad)->Threads(1)->Threads(2);

void BM_Sha256OfExpression(benchmark::State& state) {
    const std::string e = "secure-login.example-bank.com/account/verify/";
    for (auto _ : state) benchmark::DoNotOptimize(url::sha256(e));
}
BENCHMARK(BM_Sha256OfExpression);

// The whole PhishTank dump: parse, canonicalise and hash every URL, build the index.
void BM_IndexBuild_FromDump(benchmark::State& state) {
    auto& f = fixture();
    for (auto _ : state) {
        auto parsed = intel::parse_feed(f.dump, intel::FeedFormat::kPhishTank);
        auto built = intel::build_entries(parsed->items, 1);
        const intel::ThreatIndex::SourceEntries parts[] = {{"phishtank", built.entries}};
        benchmark::DoNotOptimize(intel::ThreatIndex::build(parts, 1));
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f.entries.size()));
}
BENCHMARK(BM_IndexBuild_FromDump)->Unit(benchmark::kMillisecond);

// Index build alone from ready entries (what a refresh pays after parsing).
void BM_IndexBuild_FromEntries(benchmark::State& state) {
    auto& f = fixture();
    const intel::ThreatIndex::SourceEntries parts[] = {{"phishtank", f.entries}};
    for (auto _ : state) benchmark::DoNotOptimize(intel::ThreatIndex::build(parts, 1));
}
BENCHMARK(BM_IndexBuild_FromEntries)->Unit(benchmark::kMillisecond);

// A refresh of a 10.7k-entry source: merge first-seen, rebuild, publish (readers keep their snapshot).
void BM_RefreshSwap(benchmark::State& state) {
    auto& f = fixture();
    intel::IntelState s;
    s.load_source("phishtank", f.entries);
    intel::RefreshStatus st;
    for (auto _ : state) {
        auto copy = f.entries;
        s.replace_source("phishtank", "phishtank", "bench", std::move(copy), st);
    }
}
BENCHMARK(BM_RefreshSwap)->Unit(benchmark::kMillisecond);

// The URL checker's cache-hit path without rules and with the intel rules (feeds + popular domains), on
// URLs no rule hits (the common case) and on listed URLs (a rule hit copies the verdict to add its reason).
void run_hits(benchmark::State& state, bool with_rules, bool listed, bool popular_rule = true) {
    auto& f = fixture();
    api::UrlCheckerOptions options;
    if (with_rules) {
        api::IntelRuleSet set;
        set.feeds = &f.state;
        auto popular = intel::DomainList::load(data_dir(VIGIL_SOURCE_DIR) / "domains" / "top-10000.csv.gz");
        if (popular && popular_rule) set.popular = std::move(*popular);
        options.rules = api::make_intel_rules(std::move(set));
    }
    api::UrlChecker checker(api::UrlModel{&f.model->forest, f.model->threshold, f.model->name, f.model->version},
                            *f.psl, f.brands, options);
    // Even indices are listed URLs, odd ones are not.
    std::vector<const std::string*> urls;
    for (size_t i = listed ? 0 : 1; i < f.canonical.size() && urls.size() < 1000; i += 2) urls.push_back(&f.canonical[i]);
    for (const auto* u : urls) (void)checker.check(*u);
    state.counters["rule_hit_share"] = static_cast<double>(checker.stats().rule_overrides.load()) /
                                       static_cast<double>(urls.size());
    size_t i = 0;
    for (auto _ : state) {
        auto r = checker.check(*urls[i]);
        benchmark::DoNotOptimize(r);
        if (++i == urls.size()) i = 0;
    }
}
void BM_CheckHit_NoRules(benchmark::State& s) { run_hits(s, false, false); }
void BM_CheckHit_IntelRules_Unlisted(benchmark::State& s) { run_hits(s, true, false); }
void BM_CheckHit_IntelRules_Listed(benchmark::State& s) { run_hits(s, true, true); }
BENCHMARK(BM_CheckHit_NoRules);
BENCHMARK(BM_CheckHit_IntelRules_Unlisted);
BENCHMARK(BM_CheckHit_IntelRules_Listed);
void BM_CheckHit_FeedRuleOnly_Unlisted(benchmark::State& s) { run_hits(s, true, false, false); }
BENCHMARK(BM_CheckHit_FeedRuleOnly_Unlisted);

// Cache misses (model + hashing the expressions once) with the rules on.
void BM_CheckMiss_IntelRules(benchmark::State& state) {
    auto& f = fixture();
    api::UrlCheckerOptions options;
    options.cache_capacity = 0;
    options.explain = api::ExplainMode::kNever;
    api::IntelRuleSet set;
    set.feeds = &f.state;
    options.rules = api::make_intel_rules(std::move(set));
    api::UrlChecker checker(api::UrlModel{&f.model->forest, f.model->threshold, f.model->name, f.model->version},
                            *f.psl, f.brands, options);
    size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(checker.check(f.canonical[i]));
        if (++i == f.canonical.size()) i = 0;
    }
}
BENCHMARK(BM_CheckMiss_IntelRules);

}  // namespace

BENCHMARK_MAIN();
