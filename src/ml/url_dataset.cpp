#include "vigil/ml/url_dataset.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "vigil/core/text_file.hpp"
#include "vigil/url/url.hpp"

namespace vigil::ml {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool looks_like_domain(std::string_view s) {
    s = trim(s);
    if (s.empty() || s.find('.') == std::string_view::npos) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
               static_cast<unsigned char>(c) >= 0x80;
    });
}

// Domain of a "rank,domain" or "domain" line; nullopt when the line is neither.
std::optional<std::string> domain_of_line(std::string_view line, bool allow_bare) {
    line = trim(line);
    size_t comma = line.find(',');
    if (comma != std::string_view::npos) {
        std::string_view rank = trim(line.substr(0, comma));
        std::string_view dom = trim(line.substr(comma + 1));
        if (all_digits(rank) && looks_like_domain(dom)) return lower(dom);
        return std::nullopt;
    }
    if (allow_bare && looks_like_domain(line)) return lower(line);
    return std::nullopt;
}

// True when the first non-empty lines of the file are all domain-list lines.
bool is_domain_list(const std::vector<std::string_view>& lines, bool allow_bare) {
    size_t checked = 0;
    for (std::string_view line : lines) {
        if (trim(line).empty()) continue;
        if (!domain_of_line(line, allow_bare)) return false;
        if (++checked == 20) break;
    }
    return checked > 0;
}

bool has_control_chars(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// Replaces every "&amp;" by "&"; returns how many. (Builds a new string: g++ 12 warns falsely,
// -Wrestrict, on std::string::replace here.)
size_t unescape_amp(std::string& s) {
    constexpr std::string_view kEntity = "&amp;";
    if (s.find(kEntity) == std::string::npos) return 0;
    std::string out;
    out.reserve(s.size());
    size_t count = 0;
    for (size_t i = 0; i < s.size();) {
        if (std::string_view(s).substr(i, kEntity.size()) == kEntity) {
            out += '&';
            i += kEntity.size();
            ++count;
        } else {
            out += s[i++];
        }
    }
    s = std::move(out);
    return count;
}

std::string homepage(const std::string& domain, HomepageStyle style) {
    if (style == HomepageStyle::kHttps) return "https://" + domain + "/";
    switch (stable_hash("homepage-style:" + domain) % 4) {
        case 0: return "https://" + domain + "/";
        case 1: return "http://" + domain + "/";
        case 2: return domain.starts_with("www.") ? "https://" + domain + "/" : "https://www." + domain + "/";
        default: return domain;
    }
}

int find_column(const std::vector<std::string>& header, std::string_view name) {
    for (size_t i = 0; i < header.size(); ++i) {
        if (lower(trim(header[i])) == lower(name)) return static_cast<int>(i);
    }
    return -1;
}

// Reads one file into `out`, appending rows with source index `source`.
Status load_one(const DataSpec& spec, uint16_t source, const domain::PublicSuffixList& psl, UrlDataset& out) {
    auto content = read_file(spec.path);
    if (!content) return content.error();
    auto digest = sha256_file(spec.path);
    if (!digest) return digest.error();

    SourceInfo info;
    info.path = spec.path.string();
    info.sha256 = *digest;
    info.weight = spec.weight;
    const float weight = static_cast<float>(spec.weight);

    // Registrable domains of --only-domains (a domain list), if given.
    std::unordered_set<std::string> listed;
    if (!spec.only_domains.empty()) {
        auto list = read_file(spec.only_domains);
        if (!list) return list.error();
        for (std::string_view line : split_lines(*list)) {
            if (auto dom = domain_of_line(line, true)) listed.emplace(psl.registrable_domain(*dom));
        }
        if (listed.empty()) {
            return make_error(ErrorCode::kFormat, spec.only_domains.string() + ": not a domain list");
        }
    }

    // Adds one candidate row after validation and the domain filters.
    auto add = [&](std::string url, int label) {
        if (url.empty() || has_control_chars(url) || url.size() > url::kMaxUrlBytes) {
            ++info.skipped_malformed;
            return;
        }
        const bool need_domain = (spec.domain_half != DomainHalf::kAll && label == 0) || !listed.empty();
        if (need_domain) {
            std::string reg = registrable_domain_of(url, psl);
            if (reg.empty()) {
                ++info.skipped_malformed;
                return;
            }
            if (!listed.empty() && !listed.contains(reg)) {
                ++info.skipped_not_listed;
                return;
            }
            if (spec.domain_half != DomainHalf::kAll && label == 0 &&
                in_heldout_half(reg) != (spec.domain_half == DomainHalf::kHeldOut)) {
                ++info.skipped_domain_half;
                return;
            }
        } else if (!url::parse(url)) {
            ++info.skipped_malformed;
            return;
        }
        ++info.kept;
        ++(label == 1 ? info.positives : info.negatives);
        out.rows.push_back(UrlRow{std::move(url), label, weight, source});
    };

    std::string_view text = *content;
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM
    const std::vector<std::string_view> lines = split_lines(text);

    const bool forced_list = spec.labels == LabelSource::kDomainList;
    const bool fixed_label = spec.labels == LabelSource::kAllPositive || spec.labels == LabelSource::kAllNegative;
    // A bare "domain" per line is a domain list only when nobody said the rows are URLs.
    if (forced_list || ((spec.labels == LabelSource::kAuto || fixed_label) &&
                        is_domain_list(lines, spec.labels == LabelSource::kAuto))) {
        int label = spec.labels == LabelSource::kAllPositive ? 1 : 0;
        info.description = std::string("domain list -> ") +
                           (spec.homepage_style == HomepageStyle::kHttps ? "https://<domain>/" : "mixed homepages") +
                           (label == 1 ? " (all positive)" : " (legitimate)");
        for (std::string_view line : lines) {
            if (trim(line).empty()) continue;
            ++info.records;
            auto dom = domain_of_line(line, true);
            if (!dom) {
                ++info.skipped_malformed;
                continue;
            }
            add(homepage(*dom, spec.homepage_style), label);
        }
        out.sources.push_back(std::move(info));
        return Status::success();
    }

    // CSV with a header naming the URL column?
    CsvReader reader(text);
    std::vector<std::string> header;
    reader.next(header);
    const std::string url_name = spec.url_col.empty() ? "url" : spec.url_col;
    const int url_idx = find_column(header, url_name);

    if (url_idx < 0) {
        if (!fixed_label) {
            return make_error(ErrorCode::kFormat,
                              spec.path.string() + ": no column '" + url_name +
                                  "' in the header and not a domain list; give --url-col, or --all-positive / "
                                  "--all-negative for a plain list of URLs");
        }
        if (!spec.url_col.empty()) {
            return make_error(ErrorCode::kFormat, spec.path.string() + ": no column '" + spec.url_col + "'");
        }
        const int label = spec.labels == LabelSource::kAllPositive ? 1 : 0;
        info.description = std::string("url list (") + (label == 1 ? "all positive" : "all negative") + ")";
        for (std::string_view line : lines) {
            std::string_view u = trim(line);
            if (u.empty() || u.starts_with('#')) continue;
            ++info.records;
            add(std::string(u), label);
        }
        out.sources.push_back(std::move(info));
        return Status::success();
    }

    // Collect the records first: the positive value may have to be inferred from them.
    std::vector<std::pair<std::string, std::string>> records;  // url, raw label
    int label_idx = -1;
    if (!fixed_label) {
        if (!spec.label_col.empty()) {
            label_idx = find_column(header, spec.label_col);
            if (label_idx < 0) {
                return make_error(ErrorCode::kFormat, spec.path.string() + ": no column '" + spec.label_col + "'");
            }
        } else {
            label_idx = find_column(header, "label");
            if (label_idx < 0) label_idx = find_column(header, "status");
            if (label_idx < 0) {
                return make_error(ErrorCode::kFormat,
                                  spec.path.string() + ": no label column ('label' or 'status'); give --label-col");
            }
        }
    }
    std::vector<std::string> fields;
    while (reader.next(fields)) {
        if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // blank line
        ++info.records;
        size_t need = static_cast<size_t>(std::max(url_idx, label_idx));
        if (fields.size() <= need) {
            ++info.skipped_malformed;
            continue;
        }
        records.emplace_back(std::string(trim(fields[static_cast<size_t>(url_idx)])),
                             label_idx >= 0 ? lower(trim(fields[static_cast<size_t>(label_idx)])) : std::string());
    }

    std::string positive = lower(trim(spec.positive));
    std::string negative;  // only checked when the positive value was inferred
    if (!fixed_label && positive.empty()) {
        bool has_phishing = false, has_one = false;
        for (const auto& r : records) {
            has_phishing |= r.second == "phishing";
            has_one |= r.second == "1";
        }
        if (has_phishing) {
            positive = "phishing";
            negative = "legitimate";
        } else if (has_one) {
            positive = "1";
            negative = "0";
        } else {
            return make_error(ErrorCode::kFormat, spec.path.string() + ": cannot tell which label value means "
                                                                       "phishing; give --positive VALUE");
        }
    }
    const std::string label_name = label_idx >= 0 ? header[static_cast<size_t>(label_idx)] : "";
    info.description = fixed_label ? "csv url=" + header[static_cast<size_t>(url_idx)] +
                                         (spec.labels == LabelSource::kAllPositive ? " (all positive)" : " (all negative)")
                                   : "csv url=" + header[static_cast<size_t>(url_idx)] + " label=" + label_name +
                                         " positive=" + positive;
    for (auto& [u, raw_label] : records) {
        int label;
        if (fixed_label) {
            label = spec.labels == LabelSource::kAllPositive ? 1 : 0;
        } else if (raw_label == positive) {
            label = 1;
        } else if (negative.empty() || raw_label == negative) {
            label = 0;
        } else {
            ++info.skipped_malformed;  // an inferred scheme with an unexpected value: do not guess
            continue;
        }
        std::string url = std::move(u);
        if (unescape_amp(url) > 0) ++info.unescaped_amp;
        add(std::move(url), label);
    }
    out.sources.push_back(std::move(info));
    return Status::success();
}

}  // namespace

Result<UrlDataset> load_url_data(std::span<const DataSpec> specs, const domain::PublicSuffixList& psl) {
    UrlDataset data;
    for (const DataSpec& spec : specs) {
        if (data.sources.size() >= 0xFFFF) return make_error(ErrorCode::kInvalidArgument, "too many data files");
        Status st = load_one(spec, static_cast<uint16_t>(data.sources.size()), psl, data);
        if (!st) return st.error();
    }
    return data;
}

std::string url_key(std::string_view url) {
    auto canonical = url::canonicalize(url);
    std::string_view key = canonical ? std::string_view(*canonical) : trim(url);
    size_t sep = key.find("://");
    if (sep != std::string_view::npos && sep < 10) key.remove_prefix(sep + 3);
    return std::string(key);
}

void deduplicate(UrlDataset& data) {
    struct Seen {
        size_t first;
        uint8_t labels;  // bit 0: legitimate seen, bit 1: phishing seen
    };
    std::unordered_map<std::string, Seen> seen;
    seen.reserve(data.rows.size());
    std::vector<std::string> keys;
    keys.reserve(data.rows.size());
    for (size_t i = 0; i < data.rows.size(); ++i) {
        keys.push_back(url_key(data.rows[i].url));
        auto [it, inserted] = seen.try_emplace(keys.back(), Seen{i, 0});
        it->second.labels |= static_cast<uint8_t>(data.rows[i].label == 1 ? 2 : 1);
    }
    std::vector<UrlRow> kept;
    kept.reserve(data.rows.size());
    for (size_t i = 0; i < data.rows.size(); ++i) {
        const Seen& s = seen.at(keys[i]);
        SourceInfo& src = data.sources[data.rows[i].source];
        if (s.labels == 3) {
            ++src.conflicts;
        } else if (s.first != i) {
            ++src.duplicates;
        } else {
            kept.push_back(std::move(data.rows[i]));
            continue;
        }
        --src.kept;
        --(data.rows[i].label == 1 ? src.positives : src.negatives);
    }
    data.rows = std::move(kept);
}

uint64_t fnv1a64(std::string_view bytes) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

uint64_t stable_hash(std::string_view bytes) {
    // FNV-1a alone leaves the low bits poorly mixed for near-identical strings ("site1.com/1",
    // "site2.com/2", ...), which biased a "% 100" split by several points; the murmur3 fmix64
    // finalizer spreads every input bit over the whole word.
    uint64_t h = fnv1a64(bytes);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

const char* split_name(Split s) {
    switch (s) {
        case Split::kTrain: return "train";
        case Split::kValid: return "valid";
        case Split::kTest: return "test";
    }
    return "?";
}

Split split_of_key(std::string_view key) {
    uint64_t bucket = stable_hash(key) % 100;
    if (bucket < 80) return Split::kTrain;
    if (bucket < 90) return Split::kValid;
    return Split::kTest;
}

bool in_heldout_half(std::string_view registrable_domain) {
    std::string salted = "domain-holdout:";
    salted.append(registrable_domain);
    return (stable_hash(salted) & 1u) == 1u;
}

std::string registrable_domain_of(std::string_view url, const domain::PublicSuffixList& psl) {
    auto parsed = url::parse(url);
    if (!parsed) return {};
    return std::string(psl.registrable_domain(parsed->host));
}

Result<std::string> sha256_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kIo, "cannot open " + path.string());
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        return make_error(ErrorCode::kInternal, "sha256 init failed");
    }
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(in.gcount()));
    }
    if (in.bad()) return make_error(ErrorCode::kIo, "cannot read " + path.string());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    std::string hex;
    char b[3];
    for (unsigned int i = 0; i < len; ++i) {
        std::snprintf(b, sizeof b, "%02x", md[i]);
        hex += b;
    }
    return hex;
}

}  // namespace vigil::ml
