#include "vigil/domain/brand_list.hpp"

#include <algorithm>
#include <iterator>

#include "vigil/core/text_file.hpp"
#include "vigil/domain/idn.hpp"

namespace vigil::domain {
namespace {

// Labels of popular domains that are ordinary words: as "brands" they would fire on ordinary
// URLs ("/home/", "mail.example.org"). Sorted for binary search. Keep short and explicit.
constexpr std::string_view kStopWords[] = {
    "about",   "academia", "academic", "account", "active",  "admin",   "alpha",   "android", "angel",
    "answers", "apps",     "archive",  "army",    "auto",    "baby",    "band",    "bank",    "bell",
    "berlin",  "bible",    "blog",     "boards",  "boston",  "brown",   "buffer",  "business", "cafe",
    "cams",    "canada",   "cancer",   "care",    "career",  "cars",    "casa",    "cell",    "change",
    "chess",   "china",    "chip",     "click",   "cloud",   "club",    "code",    "cool",    "daily",
    "delta",   "diary",    "dice",     "dict",    "digit",   "docs",    "download", "draw",   "drive",
    "drugs",   "email",    "exist",    "fast",    "file",    "files",   "film",    "focus",   "fonts",
    "force",   "forum",    "frame",    "france",  "free",    "game",    "games",   "gate",    "genius",
    "global",  "goal",     "group",    "guns",    "health",  "heavy",   "here",    "hide",    "home",
    "host",    "hotels",   "house",    "hunter",  "inbox",   "index",   "india",   "info",    "java",
    "jobs",    "king",     "last",     "later",   "legacy",  "level",   "life",    "line",    "link",
    "list",    "live",     "login",    "mail",    "mama",    "market",  "mass",    "match",   "media",
    "medium",  "mega",     "meta",     "mint",    "mobile",  "monday",  "money",   "motor",   "movie",
    "music",   "name",     "nature",   "news",    "note",    "online",  "page",    "people",  "photo",
    "post",    "search",   "secure",   "server",  "service", "share",   "shop",    "site",    "sport",
    "star",    "store",    "support",  "today",   "travel",  "tube",    "update",  "video",   "weather",
    "world",   "zone"};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool valid_brand_chars(std::string_view label) {
    bool has_letter = false;
    for (char c : label) {
        const bool letter = c >= 'a' && c <= 'z';
        has_letter = has_letter || letter;
        if (!letter && !(c >= '0' && c <= '9') && c != '-') return false;
    }
    return has_letter;
}

// "rank,domain" -> domain; "domain" -> domain.
std::string_view domain_field(std::string_view line) {
    const size_t comma = line.find(',');
    std::string_view d = comma == std::string_view::npos ? line : line.substr(comma + 1);
    while (!d.empty() && (d.back() == ' ' || d.back() == '\r' || d.back() == '.')) d.remove_suffix(1);
    while (!d.empty() && d.front() == ' ') d.remove_prefix(1);
    return d;
}

}  // namespace

bool BrandList::is_stop_word(std::string_view label) {
    return std::binary_search(std::begin(kStopWords), std::end(kStopWords), label);
}

void BrandList::add(std::string_view domain, size_t rank, const PublicSuffixList* psl) {
    auto ascii = to_ascii(domain);
    if (!ascii.ok() || ascii->empty()) return;
    std::string_view host = ascii.value();
    if (host.substr(0, 4) == "www.") host.remove_prefix(4);
    std::string_view reg = psl != nullptr ? psl->registrable_domain(host) : std::string_view(host);
    std::string_view suffix = psl != nullptr ? psl->public_suffix(reg) : std::string_view{};
    if (suffix.empty()) {  // no list: strip the last label
        const size_t dot = reg.rfind('.');
        suffix = dot == std::string_view::npos ? std::string_view{} : reg.substr(dot + 1);
    }
    std::string_view label = reg;
    if (suffix.size() + 1 < reg.size()) label = reg.substr(0, reg.size() - suffix.size() - 1);
    const size_t dot = label.rfind('.');
    if (dot != std::string_view::npos) label = label.substr(dot + 1);

    domains_.try_emplace(std::string(reg), rank);
    if (reg != host) domains_.try_emplace(std::string(host), rank);
    if (label.size() >= kMinBrandLength && label != reg && valid_brand_chars(label) && !is_stop_word(label)) {
        brand_labels_.try_emplace(std::string(label), rank);
    }
}

void BrandList::build_matcher() {
    std::vector<std::pair<size_t, std::string>> by_rank;
    by_rank.reserve(brand_labels_.size());
    for (const auto& [label, rank] : brand_labels_) by_rank.emplace_back(rank, label);
    std::sort(by_rank.begin(), by_rank.end());
    std::vector<std::string> labels;
    labels.reserve(by_rank.size());
    for (auto& entry : by_rank) labels.push_back(std::move(entry.second));
    matcher_ = KeywordMatcher(labels);
}

Result<BrandList> BrandList::load(const std::filesystem::path& path, const PublicSuffixList& psl,
                                  size_t max_domains) {
    BrandList list;
    size_t rank = 0;
    auto lines = for_each_line(path, [&](std::string_view line) {
        if (rank >= max_domains) return;
        std::string_view d = domain_field(line);
        if (d.empty() || d == "domain") return;  // header or blank line
        ++rank;
        std::string lowered(d);
        for (char& c : lowered) c = lower(c);
        list.add(lowered, rank, &psl);
    });
    if (!lines.ok()) return lines.error();
    if (list.domains_.empty()) {
        return make_error(ErrorCode::kFormat, "no domains in brand list: " + path.string());
    }
    list.build_matcher();
    return list;
}

Result<BrandList> BrandList::load(const std::filesystem::path& path, size_t max_domains) {
    auto psl = PublicSuffixList::load_default();
    if (!psl.ok()) return psl.error();
    return load(path, psl.value(), max_domains);
}

BrandList BrandList::from_domains(const std::vector<std::string>& domains, const PublicSuffixList& psl) {
    BrandList list;
    size_t rank = 0;
    for (const std::string& d : domains) {
        std::string lowered(domain_field(d));
        for (char& c : lowered) c = lower(c);
        list.add(lowered, ++rank, &psl);
    }
    list.build_matcher();
    return list;
}

BrandList BrandList::from_domains(const std::vector<std::string>& domains) {
    auto psl = PublicSuffixList::load_default();
    if (psl.ok()) return from_domains(domains, psl.value());
    BrandList list;  // no suffix list at all: strip the last label
    size_t rank = 0;
    for (const std::string& d : domains) list.add(domain_field(d), ++rank, nullptr);
    list.build_matcher();
    return list;
}

bool BrandList::contains_domain(std::string_view registrable) const {
    return domains_.find(registrable) != domains_.end();
}

bool BrandList::is_brand_label(std::string_view label) const {
    return brand_labels_.find(label) != brand_labels_.end();
}

size_t BrandList::brand_rank(std::string_view label) const {
    auto it = brand_labels_.find(label);
    return it == brand_labels_.end() ? 0 : it->second;
}

size_t BrandList::rank(std::string_view registrable) const {
    auto it = domains_.find(registrable);
    return it == domains_.end() ? 0 : it->second;
}

}  // namespace vigil::domain
