#pragma once
// Brand lookalike detection: for a host, the protected (popular) domain it imitates, if any, and
// how. Techniques follow dnstwist's permutation families plus confusable skeletons (UTS #39) and
// the brand-in-subdomain trick ("paypal.com.account-verify.ru"). See docs/architecture.md.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/domain/brand_list.hpp"
#include "vigil/domain/confusable.hpp"
#include "vigil/domain/flat_string_map.hpp"
#include "vigil/domain/public_suffix.hpp"

namespace vigil::domain {

enum class LookalikeTechnique : uint8_t {
    kNone,
    kAddition,          // character appended to the label: paypalx.com
    kBitsquatting,      // one bit flipped: paypam.com
    kHomoglyph,         // confusable characters (IDN or ASCII): xn--pypal-4ve.com, paypa1.com
    kHyphenation,       // hyphen inserted: pay-pal.com
    kInsertion,         // character inserted inside the label: payspal.com
    kOmission,          // character left out: paypl.com
    kRepetition,        // character doubled: paypall.com
    kReplacement,       // character replaced: paypak.com
    kSubdomain,         // dot inserted into the label: pay.pal.com
    kTransposition,     // adjacent characters swapped: papyal.com
    kVowelSwap,         // vowel replaced by another: paypel.com
    kTldSwap,           // same label, other public suffix: paypal.co
    kDictionary,        // label plus one common word: paypal-login.com, mypaypal.com
    kCombo,             // label among several other words: paypal-secure-login.com
    kBrandInSubdomain,  // protected domain or brand as labels of an unrelated domain
    kTypo,              // two edits of several kinds: paypall1.com (long labels only)
};
inline constexpr size_t kLookalikeTechniqueCount = 17;

// "addition", "bitsquatting", ..., "brand-in-subdomain", "typo"; "none".
std::string_view to_string(LookalikeTechnique t);
std::optional<LookalikeTechnique> technique_from_string(std::string_view name);

struct LookalikeMatch {
    LookalikeTechnique technique = LookalikeTechnique::kNone;
    // Edits between the imitating label and the imitated one (code points for IDN labels); 0
    // for techniques that keep the label intact (tld-swap, dictionary, combo, subdomains).
    uint8_t distance = 0;
    uint32_t rank = 0;              // rank of the imitated domain in the protected list
    std::string_view lookalike_of;  // imitated registrable domain (points into the detector)
    explicit operator bool() const { return technique != LookalikeTechnique::kNone; }
};

// False-positive controls: short labels at edit distance 1-2 match many innocent names.
struct LookalikeOptions {
    // Protected labels this long may match at distance 1 (and the imitating label must be as
    // long: "live" is not an omission of "vlive").
    size_t min_length_distance1 = 5;
    size_t min_length_distance2 = 12;  // ... at distance 2
    // Labels shorter than this match by edits only among the first max_rank_short_label domains
    // (measured on Tranco: 5-6 letter labels of the long tail collide with innocent names).
    size_t min_length_any_rank = 7;
    size_t max_rank_short_label = 1000;
    size_t min_length_skeleton = 4;    // ... by confusable skeleton
    size_t min_length_exact = 4;       // ... as an intact label (tld-swap, subdomains, combos)
    // Brands glued inside a longer word ("paypalsecure") follow BrandList's rule (5+ letters;
    // 4-letter brands only between hyphens).
    size_t max_domains = SIZE_MAX;     // protect only the first N of the list
};

class LookalikeDetector {
public:
    // Indexes the list's registrable domains. `brands` and `psl` must outlive the detector. Never fails: if
    // ICU cannot be opened, confusable matching of non-ASCII labels is off (has_icu() false).
    static LookalikeDetector build(const BrandList& brands, const PublicSuffixList& psl,
                                   LookalikeOptions options = {});

    // `host`: lower-case ASCII host (punycode labels allowed), no trailing dot. Nothing for a
    // protected domain or its subdomains, for IP literals and for unrelated hosts.
    LookalikeMatch check(std::string_view host) const;
    // Same with the registrable domain and public suffix already known (views into host).
    LookalikeMatch check(std::string_view host, PublicSuffixList::Parts parts) const;
    // BrandList::for_each_brand's reports over a registrable label, in order (see check_unlisted).
    struct BrandHits {
        struct Hit {  // trivial, so that the array below is not zeroed on every URL
            const char* brand;
            uint32_t brand_length, begin, end;
        };
        static constexpr size_t kMax = 32;
        std::array<Hit, kMax> hits;  // the first `count` are set
        size_t count = 0;
        bool overflow = false;  // more than kMax: not usable
        void add(std::string_view brand, size_t begin, size_t end) {
            if (count == kMax) {
                overflow = true;
                return;
            }
            hits[count++] = Hit{brand.data(), static_cast<uint32_t>(brand.size()), static_cast<uint32_t>(begin),
                                static_cast<uint32_t>(end)};
        }
    };
    // Same as check() for a registrable domain the caller found absent from `brands`
    // (BrandList::rank() is 0, so it is not protected either): skips that lookup. Only for a
    // detector built over `brands` (built_from()). `label_brands`, if given: the caller's own
    // for_each_brand scan of the registrable label, so the detector need not repeat it.
    LookalikeMatch check_unlisted(std::string_view host, PublicSuffixList::Parts parts,
                                  const BrandHits* label_brands = nullptr) const;
    bool built_from(const BrandList& brands) const { return brands_ == &brands; }
    // Starts loading the table lines a check() of a domain with this registrable label reads
    // first (intact-label slot, deletion filter words), so that their cache misses overlap with
    // the caller's other work instead of following one another. No effect on results.
    void prefetch(std::string_view label) const;
    // What check() would say if `host`'s own domain were not protected: the closest other
    // protected domain it imitates. Measures how protected domains collide with one another.
    LookalikeMatch nearest_other(std::string_view host) const;

    bool is_protected(std::string_view registrable) const { return domain_ids_.contains(registrable); }
    // Rank of a protected registrable domain in the list, 0 if not protected.
    uint32_t rank_of(std::string_view registrable) const {
        const uint32_t id = domain_ids_.find(registrable, UINT32_MAX);
        return id == UINT32_MAX ? 0 : domains_[id].rank;
    }
    size_t protected_count() const { return domains_.size(); }
    size_t indexed_keys() const { return indexed_keys_; }
    // Bytes held by the deletion index (slots, posting lists, filter).
    size_t index_bytes() const {
        return deletion_slots_.size() * sizeof(DeletionSlot) + postings_.size() * sizeof(uint32_t) +
               deletion_bloom_.size() * sizeof(uint64_t) + filter_offsets_.size() * sizeof(uint32_t);
    }
    bool has_icu() const { return skeleton_ != nullptr; }
    const LookalikeOptions& options() const { return options_; }

private:
    struct ProtectedDomain {
        std::string domain;
        uint32_t label_offset = 0;  // the label is domain.substr(0, label_length)
        uint32_t label_length = 0;
        uint32_t rank = 0;
    };
    // Eight bytes per slot: a 32-bit fingerprint of the variant hash (a false hit only costs a
    // verification) and where its posting list starts in postings_ ([count, id, id, ...]).
    struct DeletionSlot {
        uint32_t fingerprint = 0;
        uint32_t offset = UINT32_MAX;  // UINT32_MAX = empty
    };

    LookalikeMatch match(std::string_view host, PublicSuffixList::Parts parts, std::string_view skip_domain,
                         bool known_unprotected = false, const BrandHits* label_brands = nullptr) const;
    // `valid`: valid_label(label), which the caller knows.
    LookalikeMatch match_label(std::string_view label, std::string_view skip_domain, bool valid) const;
    LookalikeMatch nearest_by_edits(std::string_view label, std::string_view skip_domain) const;
    LookalikeMatch match_unicode_label(std::string_view ascii_label, std::string_view skip_domain) const;
    LookalikeMatch match_embedded(std::string_view label, std::string_view skip_domain,
                                  const BrandHits* label_brands) const;
    LookalikeMatch match_subdomain(std::string_view sub, std::string_view label, std::string_view suffix,
                                   std::string_view skip_domain) const;
    LookalikeMatch make_match(uint32_t id, LookalikeTechnique t, size_t distance) const;
    std::string_view label_of(uint32_t id) const {
        const ProtectedDomain& d = domains_[id];
        return std::string_view(d.domain).substr(d.label_offset, d.label_length);
    }
    // Hashes of `label` (not empty) and of its one-character deletions (distinct
    // ones) into `out`, their filter buckets into `buckets` (room for label.size() + 1 each);
    // returns how many.
    size_t variant_hashes(std::string_view label, uint64_t* out, uint32_t* buckets) const;
    // Slot of a variant hash that passed the filter, or null.
    const DeletionSlot* find_deletion(uint64_t hash) const;
    void add_deletion_keys(std::string_view label, uint32_t id, size_t max_deletes,
                           std::vector<std::pair<uint64_t, uint32_t>>& keys,
                           std::vector<std::pair<uint32_t, uint64_t>>& filter) const;

    // The deletion filter is split into buckets by a variant's first and last characters and
    // length, each bucket a region of whole cache lines: the m - 2 inner deletions of an m-letter
    // query all fall in one region, so a query reads ~4 filter lines instead of m + 1.
    static constexpr size_t kFilterBucketBits = 12;
    static constexpr size_t kFilterBuckets = size_t{1} << kFilterBucketBits;
    static constexpr size_t kFilterBitsPerKey = 16;
    static uint32_t filter_bucket(unsigned char first, unsigned char last, size_t length) {
        const uint32_t x = (uint32_t{first} << 16) | (uint32_t{last} << 8) | static_cast<uint32_t>(length & 0xFF);
        return (x * 0x9E3779B1u) >> (32 - kFilterBucketBits);
    }
    static uint32_t filter_bucket(std::string_view variant) {
        if (variant.empty()) return 0;
        return filter_bucket(static_cast<unsigned char>(variant.front()), static_cast<unsigned char>(variant.back()),
                             variant.size());
    }
    struct FilterBit {
        const uint64_t* word = nullptr;  // null: the bucket is empty
        uint64_t mask = 0;
    };
    FilterBit filter_bit(uint64_t hash, uint32_t bucket) const;
    void build_filter(std::vector<std::pair<uint32_t, uint64_t>>& filter);

    const PublicSuffixList* psl_ = nullptr;
    LookalikeOptions options_;
    std::shared_ptr<const ConfusableSkeleton> skeleton_;
    std::vector<ProtectedDomain> domains_;  // rank order, one per distinct registrable domain
    FlatStringMap domain_ids_;              // registrable domain -> id
    FlatStringMap last_labels_;             // last labels of protected domains ("com", "uk")
    // Intact-label brands -> id + 1 (best rank), and (second value) skeleton of a label -> id + 1:
    // one table, so that a label whose skeleton is itself is answered by one probe.
    FlatStringMap labels_;
    uint32_t exact_label(std::string_view label) const { return labels_.find(label); }
    uint32_t skeleton_label(std::string_view skeleton) const { return labels_.find_second(skeleton); }
    std::vector<DeletionSlot> deletion_slots_;
    std::vector<uint32_t> postings_;        // per variant hash: count, then the label ids
    size_t indexed_keys_ = 0;               // (variant, label) pairs
    std::vector<uint64_t> deletion_bloom_;  // one bit per variant hash: most probes stop here
    std::vector<uint32_t> filter_offsets_;  // bucket -> first word of its region (+ end sentinel)
    size_t filter_base_ = 0;                // words skipped so that regions are line-aligned
    size_t max_label_length_ = 0;
    const BrandList* brands_ = nullptr;  // finds brands glued inside longer labels
};

}  // namespace vigil::domain
