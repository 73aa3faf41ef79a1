#pragma once
// In-process sharded LRU cache with a time-to-live, keyed by canonical URL.
//
// Why sharded: the verdict cache sits on the hot path of every request; one mutex per shard keeps threads
// that look up different URLs from queueing behind each other. The key is hashed once; that hash picks the
// shard and is reused as the bucket hash inside it. A hit allocates nothing except what copying V costs
// (use a std::shared_ptr<const T> as V for large values).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace vigil::cache {

// Milliseconds on a monotonic clock; the default time source.
int64_t steady_now_ms();

using NowFn = std::function<int64_t()>;

struct CacheOptions {
    std::size_t capacity = 100000;                   // total entries over all shards; 0 disables the cache
    std::chrono::milliseconds ttl{std::chrono::hours(1)};  // <= 0: entries never expire
    std::size_t shards = 16;                         // clamped to [1, capacity]
    NowFn now_ms = steady_now_ms;                    // injectable for tests
};

template <class V>
class ShardedLruCache {
public:
    explicit ShardedLruCache(CacheOptions options)
        : capacity_(options.capacity),
          ttl_ms_(options.ttl.count()),
          now_ms_(options.now_ms ? std::move(options.now_ms) : NowFn(steady_now_ms)) {
        if (capacity_ == 0) return;  // disabled: no shards at all
        std::size_t n = options.shards == 0 ? 1 : options.shards;
        if (n > capacity_) n = capacity_;  // never a shard with capacity 0
        shards_ = std::make_unique<Shard[]>(n);
        shard_count_ = n;
        // Spread the capacity so that the shard capacities add up to exactly capacity_.
        for (std::size_t i = 0; i < n; ++i) shards_[i].capacity = capacity_ / n + (i < capacity_ % n ? 1 : 0);
    }

    ShardedLruCache(std::size_t capacity, std::chrono::milliseconds ttl, std::size_t shards = 16,
                    NowFn now_ms = steady_now_ms)
        : ShardedLruCache(CacheOptions{capacity, ttl, shards, std::move(now_ms)}) {}

    ShardedLruCache(const ShardedLruCache&) = delete;
    ShardedLruCache& operator=(const ShardedLruCache&) = delete;

    bool enabled() const { return capacity_ != 0; }

    // A hit moves the entry to the front of its shard's LRU list. Expired entries are misses and are removed.
    std::optional<V> get(std::string_view key) {
        if (!enabled()) {
            misses_.fetch_add(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        const HashedKey hk{key, hash_key(key)};
        Shard& shard = shard_for(hk.hash);
        const int64_t now = ttl_ms_ > 0 ? now_ms_() : 0;
        std::lock_guard lock(shard.mutex);
        auto it = shard.index.find(hk);
        if (it == shard.index.end()) {
            misses_.fetch_add(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        auto node = it->second;
        if (ttl_ms_ > 0 && node->expires_at_ms <= now) {
            shard.index.erase(it);
            shard.lru.erase(node);
            expirations_.fetch_add(1, std::memory_order_relaxed);
            size_.fetch_sub(1, std::memory_order_relaxed);
            misses_.fetch_add(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        shard.lru.splice(shard.lru.begin(), shard.lru, node);
        hits_.fetch_add(1, std::memory_order_relaxed);
        return node->value;
    }

    // Inserts or replaces; a replaced entry gets a fresh TTL. Evicts the least recently used entry of the
    // shard when the shard is full.
    void put(std::string key, V value) {
        if (!enabled()) return;
        const std::size_t h = hash_key(key);
        Shard& shard = shard_for(h);
        const int64_t expires = ttl_ms_ > 0 ? now_ms_() + ttl_ms_ : 0;
        std::lock_guard lock(shard.mutex);
        auto it = shard.index.find(HashedKey{key, h});
        if (it != shard.index.end()) {
            auto node = it->second;
            node->value = std::move(value);
            node->expires_at_ms = expires;
            shard.lru.splice(shard.lru.begin(), shard.lru, node);
            return;
        }
        if (shard.lru.size() >= shard.capacity) {
            // Prefer dropping the LRU tail; it is the oldest whether or not it has expired.
            auto& victim = shard.lru.back();
            shard.index.erase(HashedKey{victim.key, victim.hash});
            shard.lru.pop_back();
            evictions_.fetch_add(1, std::memory_order_relaxed);
            size_.fetch_sub(1, std::memory_order_relaxed);
        }
        shard.lru.push_front(Node{std::move(key), h, std::move(value), expires});
        Node& node = shard.lru.front();
        // The index key views the string owned by the list node; list nodes never move.
        shard.index.emplace(HashedKey{node.key, h}, shard.lru.begin());
        size_.fetch_add(1, std::memory_order_relaxed);
    }

    // Removes one entry; returns whether it was present.
    bool erase(std::string_view key) {
        if (!enabled()) return false;
        const HashedKey hk{key, hash_key(key)};
        Shard& shard = shard_for(hk.hash);
        std::lock_guard lock(shard.mutex);
        auto it = shard.index.find(hk);
        if (it == shard.index.end()) return false;
        auto node = it->second;
        shard.index.erase(it);
        shard.lru.erase(node);
        size_.fetch_sub(1, std::memory_order_relaxed);
        return true;
    }

    void clear() {
        for (std::size_t i = 0; i < shard_count_; ++i) {
            Shard& shard = shards_[i];
            std::lock_guard lock(shard.mutex);
            size_.fetch_sub(shard.lru.size(), std::memory_order_relaxed);
            shard.index.clear();
            shard.lru.clear();
        }
    }

    std::size_t capacity() const { return capacity_; }
    std::size_t shard_count() const { return shard_count_; }
    std::size_t shard_capacity(std::size_t i) const { return i < shard_count_ ? shards_[i].capacity : 0; }
    std::size_t size() const { return size_.load(std::memory_order_relaxed); }
    uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
    uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
    uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }  // capacity evictions
    uint64_t expirations() const { return expirations_.load(std::memory_order_relaxed); }

private:
    struct Node {
        std::string key;
        std::size_t hash;
        V value;
        int64_t expires_at_ms;
    };
    using NodeList = std::list<Node>;

    // A key together with its precomputed hash, so the shard's map never hashes the string again.
    struct HashedKey {
        std::string_view key;
        std::size_t hash;
        bool operator==(const HashedKey& o) const { return hash == o.hash && key == o.key; }
    };
    struct HashedKeyHash {
        std::size_t operator()(const HashedKey& k) const { return k.hash; }
    };

    // Aligned so that two shards' mutexes never share a cache line.
    struct alignas(64) Shard {
        std::mutex mutex;
        NodeList lru;  // front = most recently used
        std::unordered_map<HashedKey, typename NodeList::iterator, HashedKeyHash> index;
        std::size_t capacity = 0;
    };

    static std::size_t hash_key(std::string_view key) { return std::hash<std::string_view>{}(key); }

    Shard& shard_for(std::size_t h) {
        // Mix the high bits in: the map inside the shard uses the low bits, and the two choices should not
        // be correlated.
        const uint64_t mixed = static_cast<uint64_t>(h) * 0x9E3779B97F4A7C15ULL;
        return shards_[static_cast<std::size_t>(mixed >> 32) % shard_count_];
    }

    const std::size_t capacity_;
    const int64_t ttl_ms_;
    const NowFn now_ms_;
    std::unique_ptr<Shard[]> shards_;
    std::size_t shard_count_ = 0;
    std::atomic<std::size_t> size_{0};
    std::atomic<uint64_t> hits_{0};
    std::atomic<uint64_t> misses_{0};
    std::atomic<uint64_t> evictions_{0};
    std::atomic<uint64_t> expirations_{0};
};

}  // namespace vigil::cache
