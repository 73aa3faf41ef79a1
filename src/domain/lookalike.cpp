#include "vigil/domain/lookalike.hpp"

#include <algorithm>
#include <array>
#include <bit>

#include "vigil/domain/edit_distance.hpp"
#include "vigil/domain/idn.hpp"
#include "vigil/domain/permutations.hpp"

namespace vigil::domain {
namespace {

constexpr std::array<std::string_view, kLookalikeTechniqueCount> kTechniqueNames = {
    "none",      "addition",      "bitsquatting", "homoglyph", "hyphenation", "insertion",
    "omission",  "repetition",    "replacement",  "subdomain", "transposition", "vowel-swap",
    "tld-swap",  "dictionary",    "combo",        "brand-in-subdomain", "typo"};

constexpr size_t kMaxLabel = 63;  // DNS label limit; longer labels are never indexed
constexpr uint64_t kBase = 0x100000001B3ULL;

// Polynomial hash sum(s[k] * B^(n-1-k)) mod 2^64: the hash of a string with one or two
// characters deleted comes from prefix hashes in O(1), so a query never materialises variants.
uint64_t poly_hash(std::string_view s) {
    uint64_t h = 0;
    for (char c : s) h = h * kBase + static_cast<unsigned char>(c);
    return h;
}
// Final mix with the length (variants of different lengths rarely share a polynomial value, but
// mixing makes the table and bloom bits uniform); never 0, which marks an empty slot.
uint64_t finish(uint64_t h, size_t length) {
    uint64_t z = h + 0x9E3779B97F4A7C15ULL * (length + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z == 0 ? 1 : z;
}

struct Powers {
    std::array<uint64_t, kMaxLabel + 2> p{};
    constexpr Powers() {
        p[0] = 1;
        for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * kBase;
    }
};
constexpr Powers kPowers;

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

bool valid_label(std::string_view label) {
    if (label.empty() || label.size() > kMaxLabel) return false;
    for (char c : label) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

// Which single-edit family turns `brand` into `q` (distance already known to be 1 or 2).
LookalikeTechnique classify_edit(std::string_view q, std::string_view brand, size_t distance) {
    if (distance != 1) return LookalikeTechnique::kTypo;
    size_t i = 0;
    while (i < q.size() && i < brand.size() && q[i] == brand[i]) ++i;
    if (q.size() == brand.size() + 1) {
        const char c = q[i];
        if (c == '-') return LookalikeTechnique::kHyphenation;
        if ((i > 0 && q[i - 1] == c) || (i + 1 < q.size() && q[i + 1] == c)) return LookalikeTechnique::kRepetition;
        return i + 1 == q.size() ? LookalikeTechnique::kAddition : LookalikeTechnique::kInsertion;
    }
    if (q.size() + 1 == brand.size()) return LookalikeTechnique::kOmission;
    if (i + 1 < q.size() && q[i] != brand[i] && q[i] == brand[i + 1] && q[i + 1] == brand[i] &&
        q.substr(i + 2) == brand.substr(i + 2)) {
        return LookalikeTechnique::kTransposition;
    }
    const auto x = static_cast<unsigned>(static_cast<unsigned char>(q[i]) ^ static_cast<unsigned char>(brand[i]));
    if (std::popcount(x) == 1) return LookalikeTechnique::kBitsquatting;
    if (is_vowel(q[i]) && is_vowel(brand[i])) return LookalikeTechnique::kVowelSwap;
    return LookalikeTechnique::kReplacement;
}

// Number of permutation words `s` splits into (hyphens are free separators), or -1 if it does
// not split. Dynamic programme over at most kMaxLabel positions, run only after a brand hit.
int count_words(std::string_view s) {
    if (s.size() > kMaxLabel) return -1;
    std::array<int, kMaxLabel + 1> best;  // fewest words covering s[0, i), -1 if impossible
    best.fill(-1);
    best[0] = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        if (best[i] < 0) continue;
        if (s[i] == '-') {
            if (best[i + 1] < 0 || best[i] < best[i + 1]) best[i + 1] = best[i];
            continue;
        }
        for (std::string_view w : permutation_words()) {
            if (s.substr(i, w.size()) != w) continue;
            const size_t j = i + w.size();
            if (best[j] < 0 || best[i] + 1 < best[j]) best[j] = best[i] + 1;
        }
    }
    return best[s.size()];
}

}  // namespace

std::string_view to_string(LookalikeTechnique t) { return kTechniqueNames[static_cast<size_t>(t)]; }

std::optional<LookalikeTechnique> technique_from_string(std::string_view name) {
    for (size_t i = 0; i < kTechniqueNames.size(); ++i) {
        if (kTechniqueNames[i] == name) return static_cast<LookalikeTechnique>(i);
    }
    return std::nullopt;
}

void LookalikeDetector::add_deletion_keys(std::string_view label, uint32_t id, size_t max_deletes,
                                          std::vector<std::pair<uint64_t, uint32_t>>& keys,
                                          std::vector<std::pair<uint32_t, uint64_t>>& filter) const {
    auto add = [&](std::string_view variant) {
        const uint64_t h = finish(poly_hash(variant), variant.size());
        keys.emplace_back(h, id);
        filter.emplace_back(filter_bucket(variant), h);
    };
    add(label);
    std::string one, two;
    for (size_t i = 0; i < label.size(); ++i) {
        if (i > 0 && label[i] == label[i - 1]) continue;  // same variant as deleting i - 1
        one.assign(label.substr(0, i)).append(label.substr(i + 1));
        add(one);
        if (max_deletes < 2) continue;
        for (size_t j = i; j < one.size(); ++j) {
            if (j > i && one[j] == one[j - 1]) continue;
            two.assign(std::string_view(one).substr(0, j)).append(std::string_view(one).substr(j + 1));
            add(two);
        }
    }
}

LookalikeDetector LookalikeDetector::build(const BrandList& brands, const PublicSuffixList& psl,
                                           LookalikeOptions options) {
    LookalikeDetector d;
    d.psl_ = &psl;
    d.brands_ = &brands;
    d.options_ = options;
    if (auto sk = ConfusableSkeleton::create(); sk.ok()) {
        d.skeleton_ = std::make_shared<const ConfusableSkeleton>(std::move(sk.value()));
    }
    const auto& ranked = brands.ranked_domains();
    const size_t limit = std::min(options.max_domains, ranked.size());
    std::vector<std::pair<uint64_t, uint32_t>> keys;
    std::vector<std::pair<uint32_t, uint64_t>> filter;  // (filter bucket, variant hash)
    FlatStringMap indexed_labels;
    std::string skeleton;
    for (size_t r = 0; r < limit; ++r) {
        const std::string& reg = ranked[r];
        if (reg.empty() || d.domain_ids_.contains(reg)) continue;
        const auto parts = psl.split(reg);
        if (parts.suffix.empty() || parts.suffix.size() + 1 >= reg.size()) continue;
        const std::string_view label = std::string_view(reg).substr(0, reg.size() - parts.suffix.size() - 1);
        const auto id = static_cast<uint32_t>(d.domains_.size());
        d.domains_.push_back(ProtectedDomain{reg, 0, static_cast<uint32_t>(label.size()), static_cast<uint32_t>(r + 1)});
        d.domain_ids_.insert(reg, id);
        d.last_labels_.insert(std::string_view(reg).substr(reg.rfind('.') + 1), 1);
        if (!valid_label(label)) continue;
        d.max_label_length_ = std::max(d.max_label_length_, label.size());
        if (label.size() >= options.min_length_exact && brands.is_brand_label(label)) {
            d.labels_.set_if_unset(label, false, id + 1);  // first insert (best rank) wins
        }
        if (d.skeleton_ && label.size() >= options.min_length_skeleton &&
            d.skeleton_->ascii_skeleton(label, skeleton)) {
            d.labels_.set_if_unset(skeleton, true, id + 1);
        }
        const bool popular_enough = label.size() >= options.min_length_any_rank || r < options.max_rank_short_label;
        if (label.size() >= options.min_length_distance1 && popular_enough && !BrandList::is_stop_word(label) &&
            !indexed_labels.contains(label)) {
            indexed_labels.insert(label, id);
            d.add_deletion_keys(label, id, label.size() >= options.min_length_distance2 ? 2 : 1, keys, filter);
        }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    size_t distinct = 0;
    for (size_t i = 0; i < keys.size(); ++i) distinct += i == 0 || keys[i].first != keys[i - 1].first;
    size_t cap = 16;
    while (cap < distinct + distinct / 2) cap <<= 1;  // load factor <= 2/3
    d.deletion_slots_.assign(cap, DeletionSlot{});
    d.build_filter(filter);
    d.postings_.reserve(keys.size() + distinct);
    d.indexed_keys_ = keys.size();
    for (size_t i = 0; i < keys.size();) {
        size_t j = i;
        const auto offset = static_cast<uint32_t>(d.postings_.size());
        d.postings_.push_back(0);
        while (j < keys.size() && keys[j].first == keys[i].first) d.postings_.push_back(keys[j++].second);
        d.postings_[offset] = static_cast<uint32_t>(j - i);
        const uint64_t h = keys[i].first;
        size_t pos = (h >> 7) & (cap - 1);
        while (d.deletion_slots_[pos].offset != UINT32_MAX) pos = (pos + 1) & (cap - 1);
        d.deletion_slots_[pos] = DeletionSlot{static_cast<uint32_t>(h >> 32), offset};
        i = j;
    }
    return d;
}

void LookalikeDetector::build_filter(std::vector<std::pair<uint32_t, uint64_t>>& filter) {
    std::sort(filter.begin(), filter.end());
    filter.erase(std::unique(filter.begin(), filter.end()), filter.end());
    // Region of bucket b: kFilterBitsPerKey bits per variant, in whole cache lines.
    constexpr size_t kWordsPerLine = 8;
    filter_offsets_.assign(kFilterBuckets + 1, 0);
    std::vector<size_t> per_bucket(kFilterBuckets, 0);
    for (const auto& [bucket, h] : filter) ++per_bucket[bucket];
    size_t words = 0;
    for (size_t b = 0; b < kFilterBuckets; ++b) {
        filter_offsets_[b] = static_cast<uint32_t>(words);
        const size_t lines = (per_bucket[b] * kFilterBitsPerKey + 511) / 512;
        words += lines * kWordsPerLine;
    }
    filter_offsets_[kFilterBuckets] = static_cast<uint32_t>(words);
    // Regions start on cache-line boundaries: the vector gets one spare line to shift into.
    deletion_bloom_.assign(words + kWordsPerLine, 0);
    filter_base_ = 0;
    while (reinterpret_cast<uintptr_t>(deletion_bloom_.data() + filter_base_) % 64 != 0) ++filter_base_;
    for (const auto& [bucket, h] : filter) {
        const FilterBit f = filter_bit(h, bucket);
        const_cast<uint64_t*>(f.word)[0] |= f.mask;
    }
}

LookalikeDetector::FilterBit LookalikeDetector::filter_bit(uint64_t h, uint32_t bucket) const {
    const uint32_t begin = filter_offsets_[bucket];
    const uint64_t bits = uint64_t{filter_offsets_[bucket + 1] - begin} * 64;
    if (bits == 0) return {nullptr, 0};
    const uint64_t bit = (uint64_t{static_cast<uint32_t>(h)} * bits) >> 32;
    return {deletion_bloom_.data() + filter_base_ + begin + (bit >> 6), uint64_t{1} << (bit & 63)};
}

size_t LookalikeDetector::variant_hashes(std::string_view q, uint64_t* out, uint32_t* buckets) const {
    const size_t m = q.size();
    // Prefix hashes P[k] = hash(q[0, k)); hash(q[a, b)) = P[b] - P[a] * B^(b - a).
    std::array<uint64_t, kMaxLabel + 1> prefix;
    prefix[0] = 0;
    for (size_t k = 0; k < m; ++k) prefix[k + 1] = prefix[k] * kBase + static_cast<unsigned char>(q[k]);
    size_t n = 0;
    // (A one-letter label's deletion is the empty string: bucket 0, as filter_bucket("") says.)
    const auto first = static_cast<unsigned char>(q[0]), last = static_cast<unsigned char>(q[m - 1]);
    const auto second = static_cast<unsigned char>(m > 1 ? q[1] : 0);
    const auto before_last = static_cast<unsigned char>(m > 1 ? q[m - 2] : 0);
    buckets[n] = filter_bucket(first, last, m);
    out[n++] = finish(prefix[m], m);
    // Deleting an inner character keeps the first and last ones: those m - 2 variants share one
    // filter bucket, so their bits sit in the same one or two cache lines.
    const uint32_t inner = filter_bucket(first, last, m - 1);
    for (size_t i = 0; i < m; ++i) {
        if (i > 0 && q[i] == q[i - 1]) continue;  // same variant as deleting i - 1
        buckets[n] = m == 1   ? 0
                     : i == 0 ? filter_bucket(second, last, m - 1)
                     : i == m - 1 ? filter_bucket(first, before_last, m - 1)
                                  : inner;
        out[n++] = finish(prefix[i] * kPowers.p[m - 1 - i] + (prefix[m] - prefix[i + 1] * kPowers.p[m - i - 1]), m - 1);
    }
    return n;
}

const LookalikeDetector::DeletionSlot* LookalikeDetector::find_deletion(uint64_t h) const {
    const size_t mask = deletion_slots_.size() - 1;
    const auto fingerprint = static_cast<uint32_t>(h >> 32);
    for (size_t pos = (h >> 7) & mask;; pos = (pos + 1) & mask) {
        const DeletionSlot& s = deletion_slots_[pos];
        if (s.offset == UINT32_MAX) return nullptr;
        if (s.fingerprint == fingerprint) return &s;
    }
}

LookalikeMatch LookalikeDetector::make_match(uint32_t id, LookalikeTechnique t, size_t distance) const {
    return LookalikeMatch{t, static_cast<uint8_t>(std::min<size_t>(distance, 255)), domains_[id].rank,
                          domains_[id].domain};
}

LookalikeMatch LookalikeDetector::nearest_by_edits(std::string_view q, std::string_view skip) const {
    const size_t m = q.size();
    if (deletion_slots_.empty() || m < options_.min_length_distance1 || m > max_label_length_ + 2 ||
        m > kMaxLabel) {
        return {};
    }
    uint32_t best_id = UINT32_MAX;
    size_t best_distance = 3;
    auto consider = [&](uint64_t h) {
        const DeletionSlot* slot = find_deletion(h);
        if (slot == nullptr) return;
        const uint32_t end = slot->offset + 1 + postings_[slot->offset];
        for (uint32_t k = slot->offset + 1; k < end; ++k) {
            const uint32_t id = postings_[k];
            const std::string_view label = label_of(id);
            const size_t allowed = label.size() >= options_.min_length_distance2 ? 2 : 1;
            const size_t dist = osa_distance(q, label, std::min(allowed, best_distance));
            if (dist == 0 || dist > allowed) continue;
            if (!skip.empty() && domains_[id].domain == skip) continue;
            if (dist < best_distance || (dist == best_distance && domains_[id].rank < domains_[best_id].rank)) {
                best_distance = dist;
                best_id = id;
            }
        }
    };
    // Brands are indexed with up to two deletions (one for labels shorter than
    // min_length_distance2) and the query is probed with at most one: distance-2 pairs are found
    // when one of the two edits is an omission (probing the query's two-deletions too would find
    // double replacements and insertions for ~m^2/2 more probes, about 1 us per long label).
    std::array<uint64_t, kMaxLabel + 1> hashes;
    std::array<uint32_t, kMaxLabel + 1> buckets;
    const size_t count = variant_hashes(q, hashes.data(), buckets.data());
    // The filter words and then the slots of the filter's hits are loaded in two batches, so
    // that the misses overlap instead of each waiting for the previous one.
    std::array<FilterBit, kMaxLabel + 1> bits;
    for (size_t k = 0; k < count; ++k) {
        bits[k] = filter_bit(hashes[k], buckets[k]);
        if (bits[k].word != nullptr) __builtin_prefetch(bits[k].word);
    }
    const size_t mask = deletion_slots_.size() - 1;
    size_t hits = 0;
    for (size_t k = 0; k < count; ++k) {
        if (bits[k].word == nullptr || (*bits[k].word & bits[k].mask) == 0) continue;
        const uint64_t h = hashes[k];
        __builtin_prefetch(&deletion_slots_[(h >> 7) & mask]);
        hashes[hits++] = h;  // consider() in probe order, as before
    }
    for (size_t k = 0; k < hits; ++k) consider(hashes[k]);
    if (best_id == UINT32_MAX) return {};
    return make_match(best_id, classify_edit(q, label_of(best_id), best_distance), best_distance);
}

LookalikeMatch LookalikeDetector::match_unicode_label(std::string_view ascii_label, std::string_view skip) const {
    if (!skeleton_) return {};
    auto unicode = to_unicode(ascii_label);
    if (!unicode.ok() || unicode.value() == ascii_label) return {};
    const std::string sk = skeleton_->skeleton(unicode.value());
    size_t non_ascii = 0;
    for (size_t i = 0; i < unicode->size(); ++i) {
        const auto c = static_cast<unsigned char>((*unicode)[i]);
        non_ascii += c >= 0xC0;  // lead bytes of multi-byte sequences
    }
    const size_t extra = std::max<size_t>(non_ascii, 1);
    if (const uint32_t id = skeleton_label(sk); id != 0 && domains_[id - 1].domain != skip) {
        return make_match(id - 1, LookalikeTechnique::kHomoglyph, extra);
    }
    if (const uint32_t id = exact_label(sk); id != 0 && domains_[id - 1].domain != skip) {
        return make_match(id - 1, LookalikeTechnique::kHomoglyph, extra);
    }
    if (valid_label(sk)) {
        LookalikeMatch m = nearest_by_edits(sk, skip);
        if (m) {
            m.technique = LookalikeTechnique::kHomoglyph;
            m.distance = static_cast<uint8_t>(std::min<size_t>(m.distance + extra, 255));
            return m;
        }
    }
    return {};
}

LookalikeMatch LookalikeDetector::match_label(std::string_view label, std::string_view skip, bool valid) const {
    if (label.size() >= 4 && label.substr(0, 4) == "xn--") return match_unicode_label(label, skip);
    if (!valid) return {};
    const FlatStringMap::Both ids = labels_.find_both(label);  // exact label, and skeleton if it is the label
    if (const uint32_t id = ids.first; id != 0 && domains_[id - 1].domain != skip) {
        return make_match(id - 1, LookalikeTechnique::kTldSwap, 0);
    }
    if (skeleton_) {
        char buffer[2 * kMaxLabel + 2];
        const std::string_view sk = skeleton_->ascii_skeleton(label, buffer, sizeof buffer);
        if (!sk.empty()) {
            const uint32_t id = sk == label ? ids.second : skeleton_label(sk);
            if (id != 0 && label_of(id - 1) != label && domains_[id - 1].domain != skip) {
                return make_match(id - 1, LookalikeTechnique::kHomoglyph, osa_distance(label, label_of(id - 1), 254));
            }
        }
    }
    return nearest_by_edits(label, skip);
}

LookalikeMatch LookalikeDetector::match_embedded(std::string_view label, std::string_view skip,
                                                 const BrandHits* label_brands) const {
    if (brands_ == nullptr || label.size() > kMaxLabel) return {};
    size_t best_length = 0;
    uint32_t best_id = 0;
    int best_words = 0;
    auto on_brand = [&](std::string_view brand, size_t begin, size_t end) {
        const uint32_t id = exact_label(brand);
        if (id == 0 || brand.size() >= label.size() || domains_[id - 1].domain == skip) return;
        if (brand.size() < best_length || (brand.size() == best_length && id > best_id)) return;
        // Everything around the brand must be common words: "paypal-secure-login", "mypaypal".
        const int before = count_words(label.substr(0, begin));
        const int after = before < 0 ? -1 : count_words(label.substr(end));
        if (after < 0 || before + after == 0) return;
        best_length = brand.size();
        best_id = id;
        best_words = before + after;
    };
    if (label_brands != nullptr && !label_brands->overflow) {
        for (size_t k = 0; k < label_brands->count; ++k) {
            const auto& h = label_brands->hits[k];
            on_brand(std::string_view(h.brand, h.brand_length), h.begin, h.end);
        }
    } else {
        brands_->for_each_brand(label, on_brand);
    }
    if (best_id == 0) return {};
    return make_match(best_id - 1, best_words == 1 ? LookalikeTechnique::kDictionary : LookalikeTechnique::kCombo, 0);
}

LookalikeMatch LookalikeDetector::match_subdomain(std::string_view sub, std::string_view label,
                                                  std::string_view suffix, std::string_view skip) const {
    // Labels of the subdomain, right to left ("a.b.c" -> c, b, a), at most eight.
    std::array<std::string_view, 8> labels;
    size_t n = 0;
    for (size_t end = sub.size(); end > 0 && n < labels.size();) {
        const size_t dot = sub.rfind('.', end - 1);
        const size_t start = dot == std::string_view::npos ? 0 : dot + 1;
        labels[n++] = sub.substr(start, end - start);
        if (dot == std::string_view::npos) break;
        end = dot;
    }
    // A protected domain spelled out in the subdomain: "paypal.com.account-verify.ru". Only
    // labels that end some protected domain ("com", "uk") can end one here.
    for (size_t last = 0; last < n; ++last) {
        if (!last_labels_.contains(labels[last])) continue;
        for (size_t first = last + 1; first < n; ++first) {  // at least two labels
            const char* b = labels[first].data();
            const std::string_view candidate(b, static_cast<size_t>(labels[last].data() + labels[last].size() - b));
            if (const uint32_t id = domain_ids_.find(candidate, UINT32_MAX); id != UINT32_MAX && candidate != skip) {
                return make_match(id, LookalikeTechnique::kBrandInSubdomain, 0);
            }
        }
    }
    // dnstwist's "subdomain": a dot put inside the label ("pay.pal.com", "p.aypal.com").
    char joined[2 * kMaxLabel + 64];
    size_t length = label.size() + 1 + suffix.size();
    if (length < sizeof joined && n > 0) {
        for (size_t k = 0; k < std::min<size_t>(n, 2); ++k) {
            length += labels[k].size();
            if (length >= sizeof joined) break;
            size_t pos = 0;
            for (size_t j = k + 1; j-- > 0;) {
                std::copy(labels[j].begin(), labels[j].end(), joined + pos);
                pos += labels[j].size();
            }
            std::copy(label.begin(), label.end(), joined + pos);
            pos += label.size();
            joined[pos++] = '.';
            std::copy(suffix.begin(), suffix.end(), joined + pos);
            pos += suffix.size();
            const std::string_view candidate(joined, pos);
            if (const uint32_t id = domain_ids_.find(candidate, UINT32_MAX); id != UINT32_MAX && candidate != skip) {
                return make_match(id, LookalikeTechnique::kSubdomain, 0);
            }
        }
    }
    return {};
}

LookalikeMatch LookalikeDetector::match(std::string_view host, PublicSuffixList::Parts parts,
                                        std::string_view skip, bool known_unprotected,
                                        const BrandHits* label_brands) const {
    const std::string_view reg = parts.registrable;
    const std::string_view suffix = parts.suffix;
    if (reg.empty() || suffix.empty() || suffix.size() + 1 >= reg.size()) return {};
    if (skip.empty() && !known_unprotected && domain_ids_.contains(reg)) return {};
    // A brand's own top-level domain (".google", ".microsoft") is closed to others.
    if (suffix.find('.') == std::string_view::npos && exact_label(suffix) != 0) return {};
    const std::string_view label = reg.substr(0, reg.size() - suffix.size() - 1);
    std::string_view sub = reg.size() + 1 < host.size() ? host.substr(0, host.size() - reg.size() - 1)
                                                        : std::string_view{};
    while (sub.size() >= 3 && sub.substr(0, 3) == "www" && (sub.size() == 3 || sub[3] == '.')) {
        sub.remove_prefix(std::min<size_t>(sub.size(), 4));
    }
    if (!sub.empty()) {
        if (auto m = match_subdomain(sub, label, suffix, skip)) return m;
    }
    const bool valid = valid_label(label);
    if (auto m = match_label(label, skip, valid)) return m;
    if (valid) {
        if (auto m = match_embedded(label, skip, label_brands)) return m;
    }
    // A brand as a whole label of the subdomain: "paypal.account-verify.ru".
    for (size_t start = 0; start < sub.size();) {
        size_t dot = sub.find('.', start);
        if (dot == std::string_view::npos) dot = sub.size();
        const std::string_view l = sub.substr(start, dot - start);
        if (const uint32_t id = exact_label(l); id != 0 && domains_[id - 1].domain != skip) {
            return make_match(id - 1, LookalikeTechnique::kBrandInSubdomain, 0);
        }
        start = dot + 1;
    }
    return {};
}

LookalikeMatch LookalikeDetector::check(std::string_view host, PublicSuffixList::Parts parts) const {
    return match(host, parts, {});
}

LookalikeMatch LookalikeDetector::check_unlisted(std::string_view host, PublicSuffixList::Parts parts,
                                                 const BrandHits* label_brands) const {
    // domain_ids_ holds only registrable domains of brands_'s ranked list, all of which BrandList
    // ranks: a domain it does not rank is not protected.
    return match(host, parts, {}, /*known_unprotected=*/true, label_brands);
}

void LookalikeDetector::prefetch(std::string_view label) const {
    if (label.empty()) return;
    labels_.prefetch(label);
    const size_t m = label.size();
    // (No valid_label() scan: a wasted prefetch costs less than checking.)
    if (deletion_slots_.empty() || m < 2 || m < options_.min_length_distance1 || m > max_label_length_ + 2 ||
        m > kMaxLabel) {
        return;
    }
    // The four filter regions nearest_by_edits() will read (the label; its inner deletions; the
    // deletions of its first and of its last character): their buckets need no hashing.
    const auto first = static_cast<unsigned char>(label[0]), last = static_cast<unsigned char>(label[m - 1]);
    const uint32_t regions[] = {filter_bucket(first, last, m), filter_bucket(first, last, m - 1),
                                filter_bucket(static_cast<unsigned char>(label[1]), last, m - 1),
                                filter_bucket(first, static_cast<unsigned char>(label[m - 2]), m - 1)};
    const uint64_t* base = deletion_bloom_.data() + filter_base_;
    for (const uint32_t b : regions) {
        const uint32_t end = std::min<uint32_t>(filter_offsets_[b + 1], filter_offsets_[b] + 4 * 8);  // <= 4 lines
        for (uint32_t w = filter_offsets_[b]; w < end; w += 8) __builtin_prefetch(base + w);
    }
}

LookalikeMatch LookalikeDetector::check(std::string_view host) const {
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    if (host.empty() || psl_ == nullptr) return {};
    return match(host, psl_->split(host), {});
}

LookalikeMatch LookalikeDetector::nearest_other(std::string_view host) const {
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    if (host.empty() || psl_ == nullptr) return {};
    const auto parts = psl_->split(host);
    return match(host, parts, parts.registrable);
}

}  // namespace vigil::domain
