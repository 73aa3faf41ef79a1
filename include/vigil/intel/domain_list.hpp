#pragma once
// A set of domains for allow-, deny- and popular-domain lists. Matching is by registrable domain (as the
// Public Suffix List, private section included, defines it) or by the exact host, so "example.com" on a
// list covers www.example.com, while "blogspot.com" does not cover "evil.blogspot.com" (a registrable
// domain of its own).
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/domain/flat_string_map.hpp"

namespace vigil::intel {

class DomainList {
public:
    DomainList() = default;
    // Reads "domain" or "rank,domain" lines (plain or .gz); '#' comments and blank lines are skipped;
    // names are lower-cased and a trailing dot dropped. max_domains = 0: no limit.
    static Result<DomainList> load(const std::filesystem::path& path, size_t max_domains = 0);
    static DomainList from(const std::vector<std::string>& domains);

    // True when the host or its registrable domain is listed.
    bool matches(std::string_view host, std::string_view registrable) const {
        return !empty() && (contains(registrable) || (host != registrable && contains(host)));
    }
    bool contains(std::string_view domain) const { return set_.contains(domain); }
    size_t size() const { return set_.size(); }
    bool empty() const { return set_.size() == 0; }
    const std::string& source() const { return source_; }

private:
    void add(std::string_view line, size_t max_domains);
    domain::FlatStringMap set_;  // one or two cache lines per lookup
    std::string source_;
};

}  // namespace vigil::intel
