#pragma once
// The listed expressions as Safe Browsing v4 full hashes: an immutable index built once per refresh and
// shared by readers (lookups never lock), plus the entries of each source it was built from.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/intel/feed_parser.hpp"
#include "vigil/url/url.hpp"

namespace vigil::intel {

// One listed expression of one source ("evil.example/login/"), with when the source first and last listed it.
struct FeedEntry {
    url::Sha256Digest hash{};
    std::string expression;
    ThreatType threat = ThreatType::kPhishing;
    int64_t first_seen_ms = 0;
    int64_t last_seen_ms = 0;
};

struct EntryBuild {
    std::vector<FeedEntry> entries;  // unique by hash
    size_t invalid_urls = 0;         // items whose URL does not canonicalise
    size_t duplicates = 0;           // items whose expression was already listed
};

// The lookup expression a feed URL stands for: its Safe Browsing canonical form without the scheme
// ("http://Evil.example/login/" -> "evil.example/login/"), the first expression lookup_expressions() gives.
Result<std::string> listed_expression(std::string_view feed_url);

// Canonicalises and hashes feed items; first/last seen are set to now_ms.
EntryBuild build_entries(const std::vector<FeedItem>& items, int64_t now_ms);

// The 4-byte prefix of a full hash as a big-endian integer, so that integer order is byte order.
inline uint32_t prefix32(const url::Sha256Digest& h) {
    return (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | uint32_t{h[3]};
}

// A fast 64-bit key of a lookup expression, the prefilter in front of the SHA-256 match: a key that is not
// in the index proves no listing matches; a key hit is confirmed with the full hashes, so a collision costs
// time, never a wrong answer.
inline uint64_t expression_key(std::string_view expression) { return std::hash<std::string_view>{}(expression); }

class ThreatIndex {
public:
    static constexpr size_t kMaxSources = 64;

    // One full hash and every source that lists it.
    struct Listing {
        url::Sha256Digest hash{};
        uint64_t sources = 0;  // bit i = source_names()[i]
        ThreatType threat = ThreatType::kPhishing;
    };

    struct SourceEntries {
        std::string name;
        std::span<const FeedEntry> entries;
    };
    // At most kMaxSources sources (later ones are ignored and counted in dropped_sources()).
    static std::shared_ptr<const ThreatIndex> build(std::span<const SourceEntries> sources, uint64_t version);

    // The listing for a full hash, or nullptr.
    const Listing* find(const url::Sha256Digest& hash) const {
        if (slots_.empty()) return nullptr;
        uint64_t h = 0;
        for (int i = 0; i < 8; ++i) h = (h << 8) | hash[static_cast<size_t>(i)];
        for (size_t i = h & mask_;; i = (i + 1) & mask_) {
            const uint32_t slot = slots_[i];
            if (slot == 0) return nullptr;
            const Listing& l = listings_[slot - 1];
            if (l.hash == hash) return &l;
        }
    }
    // Sources (bitmask) listing any of the hashes; 0 when none does.
    uint64_t match(std::span<const url::Sha256Digest> hashes) const {
        uint64_t sources = 0;
        for (const auto& h : hashes) {
            if (const Listing* l = find(h)) sources |= l->sources;
        }
        return sources;
    }
    // False when no key is an expression_key() of a listed expression (then match() finds nothing); true means
    // "maybe": confirm with match(). Only meaningful when keys_complete().
    bool may_match(std::span<const uint64_t> keys) const {
        if (key_slots_.empty()) return false;
        for (uint64_t key : keys) {
            const uint64_t k = key == 0 ? 1 : key;  // 0 marks an empty slot
            for (size_t i = (k * 0x9E3779B97F4A7C15ull) >> key_shift_;; i = (i + 1) & key_mask_) {
                if (key_slots_[i] == 0) break;
                if (key_slots_[i] == k) return true;
            }
        }
        return false;
    }
    // Every listing came with its expression, so may_match() can rule URLs out.
    bool keys_complete() const { return keys_complete_; }
    // Listings whose hash starts with `prefix` (1..32 bytes).
    std::span<const Listing> with_prefix(std::span<const uint8_t> prefix) const;

    size_t size() const { return listings_.size(); }
    bool empty() const { return listings_.empty(); }
    uint64_t version() const { return version_; }
    const std::vector<std::string>& source_names() const { return source_names_; }
    // Sorted, unique 4-byte prefixes of every listing, and the SHA-256 of their concatenation (big-endian).
    const std::vector<uint32_t>& prefixes() const { return prefixes_; }
    const url::Sha256Digest& prefix_checksum() const { return checksum_; }
    size_t dropped_sources() const { return dropped_sources_; }
    // Bytes held by the lookup structures (listings, slots, prefixes).
    size_t memory_bytes() const;

private:
    ThreatIndex() = default;
    std::vector<Listing> listings_;  // sorted by hash
    std::vector<uint32_t> slots_;    // open addressing, listing index + 1, 0 = empty
    uint64_t mask_ = 0;
    std::vector<uint64_t> key_slots_;  // open addressing over expression keys, 0 = empty
    uint64_t key_mask_ = 0;
    int key_shift_ = 64;
    bool keys_complete_ = true;
    std::vector<uint32_t> prefixes_;
    url::Sha256Digest checksum_{};
    std::vector<std::string> source_names_;
    uint64_t version_ = 0;
    size_t dropped_sources_ = 0;
};

// Names of the sources in a bitmask, joined by `separator`.
std::string source_list(const ThreatIndex& index, uint64_t sources, std::string_view separator = ",");

}  // namespace vigil::intel
