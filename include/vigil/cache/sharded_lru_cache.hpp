#pragma once
// In-process sharded LRU cache with a time-to-live, keyed by canonical URL.
//
// Why sharded: the verdict cache sits on the hot path of every request; one mutex per shard keeps threads
// that look up different URLs from queueing behind each other. The key is hashed once; that hash picks the
// shard and is stored in the key, so the shard's map never hashes the string again. A hit allocates nothing except what copying V costs
// (use a std::shared_ptr<const T> as V for large values).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
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
        for (std::size_t i = 0; i < n; ++i) {
            shards_[i].capacity = capacity_ / n + (i < capacity_ % n ? 1 : 0);
            // Sized up front so the map never rehashes while a request holds the shard lock.
            shards_[i].map.reserve(shards_[i].capacity);
        }
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
        const KeyView kv{key, hash_key(key)};
        Shard& shard = shard_for(kv.hash);
        const int64_t now = ttl_ms_ > 0 ? now_ms_() : 0;
        std::lock_guard lock(shard.mutex);
        auto it = shard.map.find(kv);
        if (it == shard.map.end()) {
            misses_.fetch_add(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        Slot* slot = &*it;
        if (ttl_ms_ > 0 && slot->second.expires_at_ms <= now) {
            shard.unlink(slot);
            shard.map.erase(it);
            expirations_.fetch_add(1, std::memory_order_relaxed);
            size_.fetch_sub(1, std::memory_order_relaxed);
            misses_.fetch_add(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        shard.move_to_front(slot);
        hits_.fetch_add(1, std::memory_order_relaxed);
        return slot->second.value;
    }

    // Inserts or replaces; a replaced entry gets a fresh TTL. Evicts the least recently used entry of the
    // shard when the shard is full.
    void put(std::string key, V value) {
        if (!enabled()) return;
        const std::size_t h = hash_key(key);
        Shard& shard = shard_for(h);
        const int64_t expires = ttl_ms_ > 0 ? now_ms_() + ttl_ms_ : 0;
        std::lock_guard lock(shard.mutex);
        auto it = shard.map.find(KeyView{key, h});
        if (it != shard.map.end()) {
            Slot* slot = &*it;
            slot->second.value = std::move(value);
            slot->second.expires_at_ms = expires;
            shard.move_to_front(slot);
            return;
        }
        if (shard.map.size() >= shard.capacity) {
            // The LRU tail goes, whether or not it has expired: it is the oldest either way.
            Slot* victim = shard.tail;
            shard.unlink(victim);
            shard.map.erase(shard.map.find(KeyView{victim->first.text, victim->first.hash}));
            evictions_.fetch_add(1, std::memory_order_relaxed);
            size_.fetch_sub(1, std::memory_order_relaxed);
        }
        auto [pos, inserted] = shard.map.try_emplace(OwnedKey{std::move(key), h}, Entry{std::move(value), expires});
        (void)inserted;  // always true: the key was absent above and the lock is held
        shard.push_front(&*pos);
        size_.fetch_add(1, std::memory_order_relaxed);
    }

    // Removes one entry; returns whether it was present.
    bool erase(std::string_view key) {
        if (!enabled()) return false;
        const KeyView kv{key, hash_key(key)};
        Shard& shard = shard_for(kv.hash);
        std::lock_guard lock(shard.mutex);
        auto it = shard.map.find(kv);
        if (it == shard.map.end()) return false;
        shard.unlink(&*it);
        shard.map.erase(it);
        size_.fetch_sub(1, std::memory_order_relaxed);
        return true;
    }

    void clear() {
        for (std::size_t i = 0; i < shard_count_; ++i) {
            Shard& shard = shards_[i];
            std::lock_guard lock(shard.mutex);
            size_.fetch_sub(shard.map.size(), std::memory_order_relaxed);
            shard.map.clear();
            shard.head = shard.tail = nullptr;
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
    // The map key owns the URL and carries its hash; lookups use a KeyView with the same hash (heterogeneous
    // lookup), so a get neither allocates nor hashes the string a second time.
    struct OwnedKey {
        std::string text;
        std::size_t hash;
    };
    struct KeyView {
        std::string_view text;
        std::size_t hash;
    };
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(const OwnedKey& k) const noexcept { return k.hash; }
        std::size_t operator()(const KeyView& k) const noexcept { return k.hash; }
    };
    struct KeyEq {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const noexcept {
            return a.hash == b.hash && std::string_view(a.text) == std::string_view(b.text);
        }
    };
    struct Entry;
    using Slot = std::pair<const OwnedKey, Entry>;
    // The LRU list is threaded through the map's own nodes (their addresses are stable), so a hit touches
    // one node instead of a map node plus a separate list node.
    struct Entry {
        V value;
        int64_t expires_at_ms = 0;
        Slot* prev = nullptr;  // towards the most recently used
        Slot* next = nullptr;  // towards the least recently used
    };
    using Map = std::unordered_map<OwnedKey, Entry, KeyHash, KeyEq>;

    // Aligned so that two shards' mutexes never share a cache line.
    struct alignas(64) Shard {
        std::mutex mutex;
        Map map;
        Slot* head = nullptr;  // most recently used
        Slot* tail = nullptr;  // least recently used
        std::size_t capacity = 0;

        void unlink(Slot* s) noexcept {
            Entry& e = s->second;
            (e.prev ? e.prev->second.next : head) = e.next;
            (e.next ? e.next->second.prev : tail) = e.prev;
            e.prev = e.next = nullptr;
        }
        void push_front(Slot* s) noexcept {
            s->second.prev = nullptr;
            s->second.next = head;
            (head ? head->second.prev : tail) = s;
            head = s;
        }
        void move_to_front(Slot* s) noexcept {
            if (head == s) return;  // already the most recent: no neighbour writes
            unlink(s);
            push_front(s);
        }
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
