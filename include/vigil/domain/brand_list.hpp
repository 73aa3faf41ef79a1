#pragma once
// Popular registrable domains and their brand names ("paypal" for "paypal.com"), used by
// features (brand name outside the registrable domain) and the allow-list.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/domain/flat_string_map.hpp"
#include "vigil/domain/public_suffix.hpp"

namespace vigil::domain {

class BrandList {
public:
    // Shortest brand label kept, and the length from which a brand may match inside a longer
    // word ("paypalsecure"); shorter brands ("ebay") must stand alone between separators.
    static constexpr size_t kMinBrandLength = 4;
    static constexpr size_t kMinSubstringBrandLength = 5;

    // Reads "rank,domain" or "domain" lines (plain or .gz); keeps the first `max_domains`.
    // Brand labels use `psl` to strip the public suffix (google.co.uk -> "google").
    static Result<BrandList> load(const std::filesystem::path& path, const PublicSuffixList& psl,
                                  size_t max_domains = 10000);
    // Same, with PublicSuffixList::load_default().
    static Result<BrandList> load(const std::filesystem::path& path, size_t max_domains = 10000);
    // Domains in rank order (rank = position + 1).
    static BrandList from_domains(const std::vector<std::string>& domains, const PublicSuffixList& psl);
    static BrandList from_domains(const std::vector<std::string>& domains);

    // Generic words never used as brand labels (they would fire on ordinary URLs).
    static bool is_stop_word(std::string_view label);

    bool contains_domain(std::string_view registrable) const;
    // Brand label ("paypal"): from a listed domain, length >= kMinBrandLength, not a stop word.
    bool is_brand_label(std::string_view label) const;
    // Best rank of a domain carrying this brand label, 0 if it is not a brand label.
    size_t brand_rank(std::string_view label) const;
    // Rank of a registrable domain, 0 if absent.
    size_t rank(std::string_view registrable) const;
    // Starts loading what rank(registrable) reads first (see FlatStringMap::prefetch).
    void prefetch_rank(std::string_view registrable) const { domains_.prefetch(registrable); }
    size_t size() const { return domains_.size(); }
    // Registrable domains in list order (index = rank - 1; empty where a line was not a valid
    // host). The lookalike index is built from these.
    const std::vector<std::string>& ranked_domains() const { return ranked_; }
    size_t brand_count() const { return brand_labels_.size(); }

    // Calls on_brand(label, begin, end) for each brand occurrence in `text` (case-insensitive; at
    // most one, the longest, per start position), honouring the kMinSubstringBrandLength rule.
    // Meant for short texts (host labels): only the first kMaxScanLength bytes are searched.
    // No allocation: candidates come from an index of the brands' first four characters.
    template <class F>
    void for_each_brand(std::string_view text, F&& on_brand) const {
        if (text.size() > kMaxScanLength) text = text.substr(0, kMaxScanLength);
        char lowered[kMaxScanLength];
        for (size_t k = 0; k < text.size(); ++k) {
            const char c = text[k];
            lowered[k] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
        const std::string_view low(lowered, text.size());
        for (size_t i = 0; i + kMinBrandLength <= low.size(); ++i) {
            const uint32_t key = pack4(low.data() + i);
            if (!maybe_prefix(key)) continue;  // most positions stop at this L1-resident filter
            const uint32_t offset = find_prefix(key);
            if (offset == kNoCandidates) continue;
            // Candidates sharing these four characters, longest first, stored inline ([length][bytes]
            // each) so that a hit reads one or two cache lines.
            const char* p = candidate_pool_.data() + offset;
            const uint32_t count = std::min<uint32_t>(group_size(p), kMaxCandidates);
            p += sizeof(uint32_t);
            for (uint32_t k = 0; k < count; ++k) {
                const std::string_view brand(p + 1, static_cast<unsigned char>(*p));
                p += 1 + brand.size();
                if (brand.size() > low.size() - i || low.compare(i, brand.size(), brand) != 0) continue;
                const size_t stop = i + brand.size();
                if (brand.size() < kMinSubstringBrandLength &&
                    ((i > 0 && is_alnum(low[i - 1])) || (stop < low.size() && is_alnum(low[stop])))) {
                    continue;
                }
                on_brand(brand, i, stop);
                break;
            }
        }
    }

    // Calls on_brand(label, begin, end) for each token of `text` (maximal run of ASCII letters and
    // digits, case-insensitive) that is exactly a brand label. One hash probe per token: cheaper
    // than for_each_brand on long paths and queries.
    template <class F>
    void for_each_brand_token(std::string_view text, F&& on_brand) const {
        size_t i = 0;
        while (i < text.size()) {
            while (i < text.size() && !is_alnum(text[i])) ++i;
            const size_t begin = i;
            while (i < text.size() && is_alnum(text[i])) ++i;
            const size_t length = i - begin;
            if (length < kMinBrandLength || length > kMaxTokenLength) continue;
            char lowered[kMaxTokenLength];
            for (size_t k = 0; k < length; ++k) {
                const char c = text[begin + k];
                lowered[k] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            }
            const std::string_view token(lowered, length);
            const uint32_t key = pack4(lowered);
            if (!maybe_prefix(key)) continue;
            // The brand labels with the token's first four characters (all of them, longest first).
            const uint32_t offset = find_prefix(key);
            if (offset != kNoCandidates && group_has(offset, lowered, length)) on_brand(token, begin, i);
        }
    }

    // Whether the token (ASCII letters and digits only, any case) is exactly a brand label: the test
    // for_each_brand_token makes per token, for callers that already know where the tokens are.
    bool is_brand_token(std::string_view token) const {
        const size_t length = token.size();
        if (length < kMinBrandLength || length > kMaxTokenLength) return false;
        // Letters and digits: setting 0x20 lowers letters and leaves digits as they are.
        const uint32_t key = pack4(token.data()) | 0x20202020u;
        if (!maybe_prefix(key)) return false;
        const uint32_t offset = find_prefix(key);
        if (offset == kNoCandidates) return false;
        char lowered[kMaxTokenLength];
        for (size_t k = 0; k < length; ++k) lowered[k] = static_cast<char>(token[k] | 0x20);
        return group_has(offset, lowered, length);
    }

private:
    static constexpr size_t kMaxTokenLength = 64;
    static constexpr size_t kMaxScanLength = 256;
    static constexpr uint32_t kNoCandidates = UINT32_MAX;
    static constexpr size_t kBloomBits = 1 << 16;
    // for_each_brand tries at most this many candidates per position (longest first).
    static constexpr uint32_t kMaxCandidates = 255;
    // Whether the candidate group at `offset` (brand labels sharing a 4-byte prefix, longest first) holds
    // exactly the lower-case label `lowered[0, length)`.
    bool group_has(uint32_t offset, const char* lowered, size_t length) const {
        const char* p = candidate_pool_.data() + offset;
        const uint32_t count = group_size(p);
        p += sizeof(uint32_t);
        for (uint32_t k = 0; k < count; ++k) {
            const size_t brand_length = static_cast<unsigned char>(*p);
            if (brand_length < length) return false;
            if (brand_length == length && std::memcmp(p + 1, lowered, length) == 0) return true;
            p += 1 + brand_length;
        }
        return false;
    }

    static uint32_t group_size(const char* group) {
        uint32_t n;
        std::memcpy(&n, group, sizeof n);
        return n;
    }

    // First four bytes as one integer (brand characters are never NUL, so 0 means "empty").
    static uint32_t pack4(const char* p) {
        uint32_t k;
        std::memcpy(&k, p, sizeof k);
        return k;
    }
    static uint32_t bloom_bit(uint32_t key) { return (key * 2654435761u) >> 16; }
    size_t prefix_home(uint32_t key) const {  // high bits of a multiplicative hash
        return static_cast<size_t>((uint64_t{key} * 0x9E3779B97F4A7C15ULL) >> 40) & prefix_mask_;
    }
    bool maybe_prefix(uint32_t key) const {
        const uint32_t bit = bloom_bit(key);
        return (prefix_bloom_[bit >> 6] >> (bit & 63)) & 1u;
    }
    uint32_t find_prefix(uint32_t key) const {
        for (size_t pos = prefix_home(key);; pos = (pos + 1) & prefix_mask_) {
            if (prefix_slots_[pos].key == key) return prefix_slots_[pos].offset;
            if (prefix_slots_[pos].key == 0) return kNoCandidates;
        }
    }
    static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    void add(std::string_view domain, size_t rank, const PublicSuffixList* psl);
    void build_index();

    FlatStringMap domains_;       // registrable (and listed host) -> rank (1-based)
    FlatStringMap brand_labels_;  // brand label -> best rank
    std::vector<std::string> brand_names_;  // brand labels, until build_index()
    std::vector<std::string> ranked_;       // registrable domain per rank - 1
    // Brand labels grouped by first four characters, longest first: per group a uint32 count,
    // then [length byte][bytes] per label (labels over 255 bytes, which no scan can match, are left out).
    std::string candidate_pool_;
    struct PrefixSlot {
        uint32_t key = 0;                     // pack4(first four characters); 0 = empty
        uint32_t offset = kNoCandidates;      // group's offset in candidate_pool_
    };
    std::vector<PrefixSlot> prefix_slots_{PrefixSlot{}};
    size_t prefix_mask_ = 0;
    std::vector<uint64_t> prefix_bloom_ = std::vector<uint64_t>(kBloomBits / 64, 0);
};

}  // namespace vigil::domain
