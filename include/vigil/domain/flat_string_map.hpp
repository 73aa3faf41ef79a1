#pragma once
// Immutable-after-build string -> uint32 map: open addressing over one string pool, so a lookup
// touches one or two cache lines (unordered_map chases a node and a heap string per probe).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::domain {

class FlatStringMap {
public:
    // Adds or combines (`value` is OR-ed in when `merge_or`, else the first value is kept).
    void insert(std::string_view key, uint32_t value, bool merge_or = false);
    // Returns the value, or `missing` when absent.
    uint32_t find(std::string_view key, uint32_t missing = 0) const;
    bool contains(std::string_view key) const;
    size_t size() const { return size_; }

    static uint64_t hash(std::string_view s) {
        uint64_t h = 1469598103934665603ULL;  // FNV-1a: keys are short
        for (char c : s) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ULL;
        }
        return h;
    }

private:
    struct Slot {
        uint64_t hash = 0;
        uint32_t offset = 0;
        uint32_t length = 0;  // 0 = empty slot (empty keys are not stored)
        uint32_t value = 0;
    };
    const Slot* lookup(std::string_view key, uint64_t h) const;
    void grow();

    std::vector<Slot> slots_;
    std::string pool_;
    size_t size_ = 0;
};

}  // namespace vigil::domain
