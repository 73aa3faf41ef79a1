// ShardedLruCache hit/miss/put cost (1 and several threads), WriteQueue::try_push cost, and SQLite batch
// insert throughput into url_checks.
#include <benchmark/benchmark.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "vigil/cache/sharded_lru_cache.hpp"
#include "vigil/store/database.hpp"
#include "vigil/store/url_check_queue.hpp"
#include "vigil/store/write_queue.hpp"

namespace {

using namespace std::chrono_literals;

std::vector<std::string> make_keys(std::size_t n) {
    std::vector<std::string> keys;
    keys.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::string k = "https://www.example-";
        k += std::to_string(i % 997);
        k += ".com/account/login/verify?session=";
        k += std::to_string(i);
        keys.push_back(std::move(k));
    }
    return keys;
}

struct Payload {
    double score;
    int verdict;
};
using Cache = vigil::cache::ShardedLruCache<std::shared_ptr<const Payload>>;

constexpr std::size_t kKeys = 50000;

Cache& shared_cache() {
    static Cache cache(100000, std::chrono::milliseconds(3600 * 1000), 16);
    static const bool filled = [] {
        auto payload = std::make_shared<const Payload>(Payload{0.5, 1});
        for (const auto& k : make_keys(kKeys)) cache.put(k, payload);
        return true;
    }();
    (void)filled;
    return cache;
}

void BM_CacheHit(benchmark::State& state) {
    Cache& cache = shared_cache();
    static const auto keys = make_keys(kKeys);
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
    for (auto _ : state) {
        auto v = cache.get(keys[i % kKeys]);
        benchmark::DoNotOptimize(v);
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheHit)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

void BM_CacheMiss(benchmark::State& state) {
    Cache& cache = shared_cache();
    const std::string key = "https://not-in-the-cache.example/path?x=1";
    for (auto _ : state) {
        auto v = cache.get(key);
        benchmark::DoNotOptimize(v);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CacheMiss);

void BM_CachePutEvicting(benchmark::State& state) {
    Cache cache(10000, std::chrono::milliseconds(3600 * 1000), 16);
    const auto keys = make_keys(kKeys);
    auto payload = std::make_shared<const Payload>(Payload{0.5, 1});
    std::size_t i = 0;
    for (auto _ : state) {
        cache.put(keys[i % kKeys], payload);  // the key copy is part of the real cost
        ++i;
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CachePutEvicting);

vigil::store::UrlCheckRow sample_row(int64_t i) {
    vigil::store::UrlCheckRow r;
    r.ts_ms = 1'700'000'000'000 + i;
    r.canonical_url = "http://paypal-account-verify.example.com/login/" + std::to_string(i);
    r.registrable_domain = "example.com";
    r.score = 0.93;
    r.verdict = "phishing";
    r.severity = "HIGH";
    r.model_version = "url-xgb-20240101";
    r.latency_us = 35;
    return r;
}

std::filesystem::path bench_db_path() {
    return std::filesystem::temp_directory_path() / ("vigil-bench-" + std::to_string(::getpid())) / "bench.db";
}

// Rows per second into url_checks, one transaction per batch of state.range(0) rows, WAL, synchronous=NORMAL.
void BM_SqliteInsertBatch(benchmark::State& state) {
    const auto path = bench_db_path();
    std::filesystem::remove_all(path.parent_path());
    auto db = vigil::store::Database::open(path);
    if (!db.ok()) {
        state.SkipWithError(db.error().message.c_str());
        return;
    }
    std::vector<vigil::store::UrlCheckRow> rows;
    for (int64_t i = 0; i < state.range(0); ++i) rows.push_back(sample_row(i));
    // Real traffic spreads over many domains, so the domain index is written at random places.
    std::vector<std::string> domains;
    for (int i = 0; i < 10000; ++i) domains.push_back("site" + std::to_string(i * 7919 % 10007) + ".example");
    int64_t ts = 0;
    for (auto _ : state) {
        // Ascending timestamps, as in real traffic: the ts index then grows at its right edge.
        for (auto& r : rows) {
            r.ts_ms = ++ts;
            r.registrable_domain = domains[static_cast<size_t>(ts * 2654435761 % 10000)];
        }
        if (!db->insert_url_checks(rows).ok()) state.SkipWithError("insert failed");
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    std::filesystem::remove_all(path.parent_path());
}
BENCHMARK(BM_SqliteInsertBatch)->Arg(1)->Arg(64)->Arg(512)->Unit(benchmark::kMicrosecond)->UseRealTime();

// What the request path pays to hand a row to the writer (row construction excluded: the rows are built
// before the timed loop, which therefore runs a fixed number of iterations).
constexpr int64_t kPushIterations = 200000;
void BM_WriteQueuePush(benchmark::State& state) {
    std::atomic<uint64_t> sink{0};
    vigil::store::WriteQueue<vigil::store::UrlCheckRow> queue(
        [&](std::span<const vigil::store::UrlCheckRow> rows) {
            sink += rows.size();
            return vigil::Status::success();
        },
        vigil::store::WriteQueueOptions{.capacity = 1 << 20, .max_batch = 512, .flush_interval = 5ms});
    std::vector<vigil::store::UrlCheckRow> rows(kPushIterations, sample_row(1));
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(queue.try_push(std::move(rows[i++])));
    }
    queue.shutdown();
    state.counters["dropped"] = static_cast<double>(queue.dropped());
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteQueuePush)->Iterations(kPushIterations);

// End to end: push N rows into a queue that writes to SQLite, then shut down (drain).
void BM_UrlCheckQueueEndToEnd(benchmark::State& state) {
    const auto path = bench_db_path();
    const int64_t n = state.range(0);
    std::vector<vigil::store::UrlCheckRow> rows;
    for (int64_t i = 0; i < n; ++i) rows.push_back(sample_row(i));
    for (auto _ : state) {
        state.PauseTiming();
        std::filesystem::remove_all(path.parent_path());
        auto db = vigil::store::Database::open(path);
        if (!db.ok()) {
            state.SkipWithError(db.error().message.c_str());
            return;
        }
        auto queue = vigil::store::make_url_check_queue(std::move(*db), {});
        auto copy = rows;
        state.ResumeTiming();
        for (auto& r : copy) queue->try_push(std::move(r));
        queue->shutdown();
        if (queue->written() != static_cast<uint64_t>(n)) state.SkipWithError("rows lost");
    }
    state.SetItemsProcessed(state.iterations() * n);
    std::filesystem::remove_all(path.parent_path());
}
BENCHMARK(BM_UrlCheckQueueEndToEnd)->Arg(50000)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
