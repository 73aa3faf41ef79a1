#pragma once
// Popular registrable domains and their brand names ("paypal" for "paypal.com"), used by
// features (brand name outside the registrable domain) and the allow-list.
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/domain/keyword_matcher.hpp"
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
    size_t size() const { return domains_.size(); }
    size_t brand_count() const { return brand_labels_.size(); }

    // Calls on_brand(label, begin, end) for each brand occurrence in `text` (case-insensitive),
    // honouring the kMinSubstringBrandLength rule. No allocation.
    template <class F>
    void for_each_brand(std::string_view text, F&& on_brand) const {
        matcher_.for_each_match(text, [&](const KeywordMatcher::Match& m) {
            const size_t begin = m.end - m.length;
            if (m.length < kMinSubstringBrandLength &&
                ((begin > 0 && is_alnum(text[begin - 1])) || (m.end < text.size() && is_alnum(text[m.end])))) {
                return;
            }
            on_brand(std::string_view(matcher_.keyword(m.id)), begin, static_cast<size_t>(m.end));
        });
    }

private:
    struct StringHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using RankMap = std::unordered_map<std::string, size_t, StringHash, std::equal_to<>>;

    static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    void add(std::string_view domain, size_t rank, const PublicSuffixList* psl);
    void build_matcher();

    RankMap domains_;        // registrable -> rank (1-based)
    RankMap brand_labels_;   // brand label -> best rank
    KeywordMatcher matcher_;
};

}  // namespace vigil::domain
