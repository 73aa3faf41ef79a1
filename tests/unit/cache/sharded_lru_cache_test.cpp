#include "vigil/cache/sharded_lru_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace vigil::cache {
namespace {

using std::chrono::milliseconds;

// A clock the test moves by hand; shared so the cache can hold a copy of the function.
struct FakeClock {
    std::shared_ptr<std::atomic<int64_t>> t = std::make_shared<std::atomic<int64_t>>(1000);
    NowFn fn() const {
        auto p = t;
        return [p] { return p->load(); };
    }
    void advance(int64_t ms) { t->fetch_add(ms); }
};

TEST(ShardedLruCache, EvictsLeastRecentlyUsedInOrder) {
    FakeClock clock;
    ShardedLruCache<int> cache(3, milliseconds(0), 1, clock.fn());
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("c", 3);
    ASSERT_EQ(cache.get("a"), 1);  // a is now most recent; b is the LRU
    cache.put("d", 4);
    EXPECT_FALSE(cache.get("b").has_value());
    EXPECT_EQ(cache.get("a"), 1);
    EXPECT_EQ(cache.get("c"), 3);
    EXPECT_EQ(cache.get("d"), 4);
    // Recency is now d, c, a: a was read first, so it is the LRU.
    cache.put("e", 5);
    EXPECT_FALSE(cache.get("a").has_value());
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_EQ(cache.evictions(), 2u);
}

TEST(ShardedLruCache, PutReplacesValueWithoutEviction) {
    ShardedLruCache<std::string> cache(2, milliseconds(0), 1);
    cache.put("k", "one");
    cache.put("k", "two");
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.get("k"), "two");
    EXPECT_EQ(cache.evictions(), 0u);
}

TEST(ShardedLruCache, ReplacingMakesEntryMostRecent) {
    ShardedLruCache<int> cache(2, milliseconds(0), 1);
    cache.put("a", 1);
    cache.put("b", 2);
    cache.put("a", 10);  // a becomes most recent, b is LRU
    cache.put("c", 3);
    EXPECT_EQ(cache.get("a"), 10);
    EXPECT_FALSE(cache.get("b").has_value());
}

TEST(ShardedLruCache, EntriesExpireAfterTtl) {
    FakeClock clock;
    ShardedLruCache<int> cache(10, milliseconds(500), 4, clock.fn());
    cache.put("x", 7);
    clock.advance(499);
    EXPECT_EQ(cache.get("x"), 7);
    clock.advance(1);  // exactly ttl later: expired
    EXPECT_FALSE(cache.get("x").has_value());
    EXPECT_EQ(cache.size(), 0u);  // removed on the expired lookup
    EXPECT_EQ(cache.expirations(), 1u);
    EXPECT_EQ(cache.misses(), 1u);
    EXPECT_EQ(cache.hits(), 1u);
}

TEST(ShardedLruCache, PutRefreshesTtl) {
    FakeClock clock;
    ShardedLruCache<int> cache(10, milliseconds(100), 1, clock.fn());
    cache.put("x", 1);
    clock.advance(80);
    cache.put("x", 2);
    clock.advance(80);  // 160 ms after the first put, 80 after the second
    EXPECT_EQ(cache.get("x"), 2);
}

TEST(ShardedLruCache, ZeroTtlNeverExpires) {
    FakeClock clock;
    ShardedLruCache<int> cache(10, milliseconds(0), 1, clock.fn());
    cache.put("x", 1);
    clock.advance(int64_t{1} << 40);
    EXPECT_EQ(cache.get("x"), 1);
}

TEST(ShardedLruCache, CapacitySplitsAcrossShardsExactly) {
    ShardedLruCache<int> cache(100, milliseconds(0), 16);
    ASSERT_EQ(cache.shard_count(), 16u);
    std::size_t total = 0;
    for (std::size_t i = 0; i < cache.shard_count(); ++i) {
        EXPECT_GE(cache.shard_capacity(i), 6u);
        EXPECT_LE(cache.shard_capacity(i), 7u);
        total += cache.shard_capacity(i);
    }
    EXPECT_EQ(total, 100u);
    for (int i = 0; i < 1000; ++i) cache.put("key-" + std::to_string(i), i);
    EXPECT_LE(cache.size(), 100u);
    EXPECT_GT(cache.size(), 50u);  // keys spread over shards, so most capacity is used
    EXPECT_EQ(cache.evictions(), 1000u - cache.size());
}

TEST(ShardedLruCache, FewerShardsThanRequestedWhenCapacityIsSmall) {
    ShardedLruCache<int> cache(3, milliseconds(0), 16);
    EXPECT_EQ(cache.shard_count(), 3u);
    for (int i = 0; i < 10; ++i) cache.put(std::to_string(i), i);
    EXPECT_LE(cache.size(), 3u);
}

TEST(ShardedLruCache, CapacityZeroDisablesCache) {
    ShardedLruCache<int> cache(0, milliseconds(1000));
    EXPECT_FALSE(cache.enabled());
    cache.put("a", 1);
    EXPECT_FALSE(cache.get("a").has_value());
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.misses(), 1u);
}

TEST(ShardedLruCache, CountersTrackHitsMissesAndErase) {
    ShardedLruCache<int> cache(8, milliseconds(0), 2);
    cache.put("a", 1);
    EXPECT_EQ(cache.get("a"), 1);
    EXPECT_EQ(cache.get("a"), 1);
    EXPECT_FALSE(cache.get("b").has_value());
    EXPECT_EQ(cache.hits(), 2u);
    EXPECT_EQ(cache.misses(), 1u);
    EXPECT_TRUE(cache.erase("a"));
    EXPECT_FALSE(cache.erase("a"));
    EXPECT_EQ(cache.size(), 0u);
    cache.put("c", 3);
    cache.clear();
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_FALSE(cache.get("c").has_value());
}

// Built with append rather than operator+ to dodge a g++ 12 -Wrestrict false positive.
std::string url_for(int k) {
    std::string s = "https://example.com/";
    s += std::to_string(k);
    return s;
}
std::string value_for(int k) {
    std::string s = "v";
    s += std::to_string(k);
    return s;
}

TEST(ShardedLruCache, ConcurrentGetPutFromFourThreads) {
    constexpr int kThreads = 4;
    constexpr int kOps = 20000;
    constexpr int kKeys = 500;
    ShardedLruCache<std::string> cache(256, milliseconds(0), 8);
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kOps; ++i) {
                const int k = (i * 7 + t * 13) % kKeys;
                const std::string key = url_for(k);
                if (i % 3 == 0) {
                    cache.put(key, value_for(k));
                } else if (auto v = cache.get(key)) {
                    // A value must always belong to its key, whatever the interleaving.
                    if (*v != value_for(k)) wrong.fetch_add(1);
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_LE(cache.size(), 256u);
    const uint64_t gets = cache.hits() + cache.misses();
    const uint64_t expected_gets = static_cast<uint64_t>(kThreads) * (kOps - (kOps + 2) / 3);
    EXPECT_EQ(gets, expected_gets);
    EXPECT_GT(cache.hits(), 0u);
    // Every put of a new key either still sits in the cache or was evicted.
    std::size_t present = 0;
    for (int k = 0; k < kKeys; ++k) present += cache.get(url_for(k)) ? 1 : 0;
    EXPECT_EQ(present, cache.size());
}

}  // namespace
}  // namespace vigil::cache
