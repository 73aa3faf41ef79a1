#pragma once
// Popular registrable domains and their brand names ("paypal" for "paypal.com"), used by
// features (brand name outside the registrable domain) and the allow-list.
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "vigil/core/result.hpp"

namespace vigil::domain {

class BrandList {
public:
    // Reads "rank,domain" or "domain" lines (plain or .gz); keeps the first `max_domains`.
    static Result<BrandList> load(const std::filesystem::path& path, size_t max_domains = 10000);
    static BrandList from_domains(const std::vector<std::string>& domains);

    bool contains_domain(std::string_view registrable) const;
    // Brand label ("paypal") -> rank. Only labels of length >= 4 that are not common words.
    bool is_brand_label(std::string_view label) const;
    // Rank of a registrable domain, 0 if absent.
    size_t rank(std::string_view registrable) const;
    size_t size() const { return domains_.size(); }

private:
    std::unordered_map<std::string, size_t> domains_;   // registrable -> rank (1-based)
    std::unordered_set<std::string> brand_labels_;
};

}  // namespace vigil::domain
