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
    if (ranked_.size() < rank) ranked_.resize(rank);
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

    ranked_[rank - 1] = std::string(reg);
    domains_.insert(reg, static_cast<uint32_t>(rank));
    if (reg != host) domains_.insert(host, static_cast<uint32_t>(rank));
    if (label.size() >= kMinBrandLength && label != reg && valid_brand_chars(label) && !is_stop_word(label) &&
        !brand_labels_.contains(label)) {
        brand_labels_.insert(label, static_cast<uint32_t>(rank));
        brand_names_.emplace_back(label);
    }
}

void BrandList::build_index() {
    std::vector<uint32_t> ids(brand_names_.size());
    for (uint32_t i = 0; i < ids.size(); ++i) ids[i] = i;
    // Group by the first four characters, longest brand first within a group.
    std::sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
        const std::string_view pa = std::string_view(brand_names_[a]).substr(0, kMinBrandLength);
        const std::string_view pb = std::string_view(brand_names_[b]).substr(0, kMinBrandLength);
        if (pa != pb) return pa < pb;
        return brand_names_[a].size() > brand_names_[b].size();
    });
    candidate_pool_.clear();
    size_t groups = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        groups += i == 0 || std::string_view(brand_names_[ids[i]]).substr(0, kMinBrandLength) !=
                                std::string_view(brand_names_[ids[i - 1]]).substr(0, kMinBrandLength);
    }
    size_t cap = 16;
    while (cap < groups * 2) cap <<= 1;
    prefix_slots_.assign(cap, PrefixSlot{});
    prefix_mask_ = cap - 1;
    prefix_bloom_.assign(kBloomBits / 64, 0);
    for (size_t i = 0; i < ids.size();) {
        const std::string_view prefix = std::string_view(brand_names_[ids[i]]).substr(0, kMinBrandLength);
        const auto offset = static_cast<uint32_t>(candidate_pool_.size());
        candidate_pool_.append(sizeof(uint32_t), '\0');
        uint32_t count = 0;
        size_t j = i;
        while (j < ids.size() && std::string_view(brand_names_[ids[j]]).substr(0, kMinBrandLength) == prefix) {
            const std::string& brand = brand_names_[ids[j++]];
            if (brand.size() > 255) continue;
            candidate_pool_.push_back(static_cast<char>(brand.size()));
            candidate_pool_ += brand;
            ++count;
        }
        std::memcpy(candidate_pool_.data() + offset, &count, sizeof count);
        const uint32_t key = pack4(prefix.data());
        size_t pos = prefix_home(key);
        while (prefix_slots_[pos].key != 0) pos = (pos + 1) & prefix_mask_;
        prefix_slots_[pos] = PrefixSlot{key, offset};
        const uint32_t bit = bloom_bit(key);
        prefix_bloom_[bit >> 6] |= uint64_t{1} << (bit & 63);
        i = j;
    }
    std::vector<std::string>().swap(brand_names_);  // the pool has them now
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
    if (list.domains_.size() == 0) {
        return make_error(ErrorCode::kFormat, "no domains in brand list: " + path.string());
    }
    list.build_index();
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
    list.build_index();
    return list;
}

BrandList BrandList::from_domains(const std::vector<std::string>& domains) {
    auto psl = PublicSuffixList::load_default();
    if (psl.ok()) return from_domains(domains, psl.value());
    BrandList list;  // no suffix list at all: strip the last label
    size_t rank = 0;
    for (const std::string& d : domains) list.add(domain_field(d), ++rank, nullptr);
    list.build_index();
    return list;
}

bool BrandList::contains_domain(std::string_view registrable) const { return domains_.contains(registrable); }

bool BrandList::is_brand_label(std::string_view label) const { return brand_labels_.contains(label); }

size_t BrandList::brand_rank(std::string_view label) const { return brand_labels_.find(label); }

size_t BrandList::rank(std::string_view registrable) const { return domains_.find(registrable); }

}  // namespace vigil::domain
