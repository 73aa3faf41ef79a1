#pragma once
// Immutable-after-build string -> uint32 map: open addressing over one string pool, so a lookup
// touches one or two cache lines (unordered_map chases a node and a heap string per probe).
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::domain {

class FlatStringMap {
public:
    // kReverse hashes keys from their last byte to their first, so that a caller walking a host
    // name label by label from the right can extend one hash instead of rehashing each suffix.
    enum class KeyHash : uint8_t { kForward, kReverse };
    explicit FlatStringMap(KeyHash mode = KeyHash::kForward) : mode_(mode) {}

    // Adds or combines (`value` is OR-ed in when `merge_or`, else the first value is kept).
    void insert(std::string_view key, uint32_t value, bool merge_or = false);
    // Returns the value, or `missing` when absent.
    uint32_t find(std::string_view key, uint32_t missing = 0) const;
    bool contains(std::string_view key) const;
    // Lookup with a hash computed by the caller (hash() or prepend_reverse() as the mode says).
    uint32_t find_prehashed(std::string_view key, uint64_t h, uint32_t missing = 0) const {
        const Slot* s = lookup(key, h);
        return (s == nullptr || s->length == 0) ? missing : s->value;
    }
    size_t size() const { return size_; }

    // A second value per key, stored in what would be the slot's padding: two maps over mostly
    // the same keys share one table and answer both questions with one probe (one cache miss).
    // Sets value (`second` false) or the second value (`second` true) unless already non-zero;
    // adds the key (other value 0) if absent.
    void set_if_unset(std::string_view key, bool second, uint32_t value);
    struct Both {
        uint32_t first = 0;
        uint32_t second = 0;
    };
    // Both values of `key`, {0, 0} when absent.
    Both find_both(std::string_view key) const {
        const Slot* s = lookup(key, hash_key(key));
        return (s == nullptr || s->length == 0) ? Both{} : Both{s->value, s->value2};
    }
    uint32_t find_second(std::string_view key) const { return find_both(key).second; }

    // Starts loading the slot a lookup of this hash reads first, so that a caller can issue the
    // misses of several tables at once and overlap them with other work (tables of MiBs are rarely
    // cached). No effect on results.
    void prefetch(uint64_t h) const {
        if (!slots_.empty()) __builtin_prefetch(&slots_[home(h)]);
    }
    void prefetch(std::string_view key) const { prefetch(hash_key(key)); }

    static constexpr uint64_t kHashSeed = 1469598103934665603ULL;
    // Forward-mode hash: eight bytes per multiply (byte-wise FNV-1a is a chain of one dependent
    // multiply per byte, and every URL hashes a dozen domain names and labels).
    static uint64_t hash(std::string_view s) {
        const char* p = s.data();
        size_t n = s.size();
        uint64_t h = kHashSeed ^ (n * 0x9E3779B97F4A7C15ULL);
        while (n >= 8) {
            uint64_t w;
            std::memcpy(&w, p, sizeof w);
            h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
            h ^= h >> 31;
            p += 8;
            n -= 8;
        }
        uint64_t w = 0;
        if (n >= 4) {  // two overlapping 4-byte loads cover 4..7 bytes
            uint32_t a, b;
            std::memcpy(&a, p, sizeof a);
            std::memcpy(&b, p + n - 4, sizeof b);
            w = (uint64_t{a} << 32) | b;
        } else if (n > 0) {
            w = (uint64_t{static_cast<unsigned char>(p[0])} << 16) |
                (uint64_t{static_cast<unsigned char>(p[n >> 1])} << 8) | static_cast<unsigned char>(p[n - 1]);
        }
        h = (h ^ w) * 0x94D049BB133111EBULL;
        return h ^ (h >> 29);
    }
    // Reverse-mode hash of `s + key` given h = reverse hash of key (start from kHashSeed).
    static uint64_t prepend_reverse(uint64_t h, std::string_view s) {
        for (size_t i = s.size(); i-- > 0;) {
            h ^= static_cast<unsigned char>(s[i]);
            h *= 1099511628211ULL;
        }
        return h;
    }
    uint64_t hash_key(std::string_view s) const {
        return mode_ == KeyHash::kForward ? hash(s) : prepend_reverse(kHashSeed, s);
    }

private:
    struct Slot {
        uint64_t hash = 0;
        uint32_t offset = 0;
        uint32_t length = 0;  // 0 = empty slot (empty keys are not stored)
        uint32_t value = 0;
        uint32_t value2 = 0;  // set_if_unset(..., true, ...); free: the slot is 24 bytes either way
    };
    const Slot* lookup(std::string_view key, uint64_t h) const;
    // Slot index from the hash's high bits (FNV's low bits mix poorly).
    size_t home(uint64_t h) const { return static_cast<size_t>((h ^ (h >> 29)) * 0x9E3779B97F4A7C15ULL >> 40) & (slots_.size() - 1); }
    void grow();

    std::vector<Slot> slots_;
    std::string pool_;
    size_t size_ = 0;
    KeyHash mode_ = KeyHash::kForward;
};

}  // namespace vigil::domain
