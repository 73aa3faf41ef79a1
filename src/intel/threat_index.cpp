#include "vigil/intel/threat_index.hpp"

#include <algorithm>
#include <bit>
#include <unordered_map>

namespace vigil::intel {

Result<std::string> listed_expression(std::string_view feed_url) {
    auto canonical = url::canonicalize(feed_url);
    if (!canonical) return canonical.error();
    std::string& c = *canonical;
    const size_t scheme_end = c.find("://");
    if (scheme_end == std::string::npos) return make_error(ErrorCode::kInvalidArgument, "canonical URL without scheme");
    std::string expression = c.substr(scheme_end + 3);
    // An empty query is no expression of its own: "a.b/?" is looked up as "a.b/".
    if (expression.ends_with('?')) expression.pop_back();
    return expression;
}

EntryBuild build_entries(const std::vector<FeedItem>& items, int64_t now_ms) {
    EntryBuild out;
    out.entries.reserve(items.size());
    std::unordered_map<std::string, size_t> seen;
    seen.reserve(items.size());
    for (const FeedItem& item : items) {
        auto expression = listed_expression(item.url);
        if (!expression) {
            ++out.invalid_urls;
            continue;
        }
        if (!seen.emplace(*expression, out.entries.size()).second) {
            ++out.duplicates;
            continue;
        }
        FeedEntry e;
        e.hash = url::sha256(*expression);
        e.expression = std::move(*expression);
        e.threat = item.threat;
        e.first_seen_ms = now_ms;
        e.last_seen_ms = now_ms;
        out.entries.push_back(std::move(e));
    }
    return out;
}

std::shared_ptr<const ThreatIndex> ThreatIndex::build(std::span<const SourceEntries> sources, uint64_t version) {
    // Private constructor: make_shared cannot reach it.
    std::shared_ptr<ThreatIndex> index(new ThreatIndex());
    index->version_ = version;
    size_t total = 0;
    for (const auto& s : sources) total += s.entries.size();
    index->listings_.reserve(total);
    for (size_t i = 0; i < sources.size(); ++i) {
        if (i >= kMaxSources) {
            ++index->dropped_sources_;
            continue;
        }
        index->source_names_.push_back(sources[i].name);
        for (const FeedEntry& e : sources[i].entries) {
            index->listings_.push_back(Listing{e.hash, uint64_t{1} << i, e.threat});
            if (e.expression.empty()) index->keys_complete_ = false;
        }
    }
    if (total > 0) {
        const size_t capacity = std::bit_ceil(total * 2);
        index->key_slots_.assign(capacity, 0);
        index->key_mask_ = capacity - 1;
        index->key_shift_ = 64 - std::countr_zero(capacity);
        for (size_t i = 0; i < sources.size() && i < kMaxSources; ++i) {
            for (const FeedEntry& e : sources[i].entries) {
                if (e.expression.empty()) continue;
                const uint64_t key = expression_key(e.expression);
                const uint64_t k = key == 0 ? 1 : key;
                size_t slot = (k * 0x9E3779B97F4A7C15ull) >> index->key_shift_;
                while (index->key_slots_[slot] != 0 && index->key_slots_[slot] != k) slot = (slot + 1) & index->key_mask_;
                index->key_slots_[slot] = k;
            }
        }
    }
    auto& listings = index->listings_;
    std::sort(listings.begin(), listings.end(), [](const Listing& a, const Listing& b) { return a.hash < b.hash; });
    // Merge the same hash from several sources into one listing.
    size_t out = 0;
    for (size_t i = 0; i < listings.size(); ++i) {
        if (out > 0 && listings[out - 1].hash == listings[i].hash) {
            listings[out - 1].sources |= listings[i].sources;
            continue;
        }
        listings[out++] = listings[i];
    }
    listings.resize(out);
    listings.shrink_to_fit();

    if (!listings.empty()) {
        const size_t capacity = std::bit_ceil(listings.size() * 2);
        index->slots_.assign(capacity, 0);
        index->mask_ = capacity - 1;
        for (size_t k = 0; k < listings.size(); ++k) {
            uint64_t h = 0;
            for (int i = 0; i < 8; ++i) h = (h << 8) | listings[k].hash[static_cast<size_t>(i)];
            size_t i = h & index->mask_;
            while (index->slots_[i] != 0) i = (i + 1) & index->mask_;
            index->slots_[i] = static_cast<uint32_t>(k + 1);
        }
    }

    auto& prefixes = index->prefixes_;
    prefixes.reserve(listings.size());
    for (const Listing& l : listings) {
        const uint32_t p = prefix32(l.hash);
        if (prefixes.empty() || prefixes.back() != p) prefixes.push_back(p);  // listings are sorted
    }
    std::string raw;
    raw.reserve(prefixes.size() * 4);
    for (uint32_t p : prefixes) {
        raw.push_back(static_cast<char>(p >> 24));
        raw.push_back(static_cast<char>(p >> 16));
        raw.push_back(static_cast<char>(p >> 8));
        raw.push_back(static_cast<char>(p));
    }
    index->checksum_ = url::sha256(raw);
    return index;
}

std::span<const ThreatIndex::Listing> ThreatIndex::with_prefix(std::span<const uint8_t> prefix) const {
    if (prefix.empty() || prefix.size() > 32) return {};
    auto starts = [&](const Listing& l) { return std::equal(prefix.begin(), prefix.end(), l.hash.begin()); };
    auto lo = std::lower_bound(listings_.begin(), listings_.end(), prefix, [](const Listing& l, std::span<const uint8_t> p) {
        return std::lexicographical_compare(l.hash.begin(), l.hash.begin() + static_cast<std::ptrdiff_t>(p.size()),
                                            p.begin(), p.end());
    });
    auto hi = lo;
    while (hi != listings_.end() && starts(*hi)) ++hi;
    return {lo, hi};
}

size_t ThreatIndex::memory_bytes() const {
    return listings_.capacity() * sizeof(Listing) + slots_.capacity() * sizeof(uint32_t) +
           prefixes_.capacity() * sizeof(uint32_t) + key_slots_.capacity() * sizeof(uint64_t);
}

std::string source_list(const ThreatIndex& index, uint64_t sources, std::string_view separator) {
    std::string out;
    const auto& names = index.source_names();
    for (size_t i = 0; i < names.size(); ++i) {
        if ((sources >> i & 1) == 0) continue;
        if (!out.empty()) out += separator;
        out += names[i];
    }
    return out;
}

}  // namespace vigil::intel
