#include "vigil/features/url_features.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "byte_classes.hpp"

namespace vigil::features {
namespace {

constexpr std::array<std::string_view, kNumFeatures> kNames = {
    "url_length", "host_length", "path_length", "query_length", "registrable_domain_length",
    "registrable_label_length", "public_suffix_length", "subdomain_length",
    "url_dot_count", "url_hyphen_count", "url_underscore_count", "url_slash_count", "url_question_count",
    "url_equals_count", "url_ampersand_count", "url_at_count", "url_tilde_count", "url_percent_count",
    "url_plus_count", "url_digit_count",
    "url_digit_ratio", "url_letter_ratio", "url_uppercase_ratio", "url_special_ratio",
    "host_dot_count", "host_hyphen_count", "host_digit_count", "subdomain_depth",
    "host_entropy", "path_query_entropy", "url_entropy",
    "host_is_ipv4", "host_is_ipv6", "punycode_label_count", "non_ascii_count",
    "tld_abused", "tld_country_code", "tld_generic_legacy", "public_suffix_label_count",
    "has_port", "port_non_standard",
    "sensitive_words_host", "sensitive_words_path_query",
    "brand_in_subdomain", "brand_in_path_query", "brand_in_registrable_label", "registrable_popularity",
    "is_shortener", "is_free_hosting", "has_userinfo", "double_slash_in_path", "embedded_url_count",
    "ext_script_page", "ext_html", "ext_executable_or_archive", "ext_other",
    "query_param_count", "longest_host_label", "longest_path_token", "hex_token_count", "longest_digit_run",
    "max_repeated_char_run", "path_depth", "host_max_consonant_run", "registrable_label_vowel_ratio",
    "registrable_label_digit_count", "registrable_label_hyphen_count", "email_in_path_query",
    "longest_query_value", "tld_token_outside_suffix",
    "lookalike_match", "lookalike_distance", "lookalike_homoglyph", "lookalike_typosquat",
    "lookalike_target_popularity",
};

// Words phishing pages put in hosts and paths to look official. Stems match longer forms
// ("verif" -> verify, verification); a word must not contain another (no double counting).
const std::vector<std::string> kSensitiveWords = {
    "login",   "logon",   "signin",   "signon",   "verif",     "account",  "secur",     "update",
    "bank",    "confirm", "password", "passwd",   "billing",   "wallet",   "support",   "webscr",
    "ebayisapi", "recover", "unlock", "suspend",  "authenticat", "validat", "credential", "invoice",
    "payment", "alert",   "restor",   "reactivat", "customer", "limited",  "unusual",   "helpdesk",
};

// Cheap or free TLDs over-represented in phishing and abuse reports (Interisle "Phishing
// Landscape", Spamhaus "most abused TLDs"). A small fixed table: see docs/features.md.
constexpr std::string_view kAbusedTlds[] = {
    "accountant", "bar",   "bid",     "buzz",     "cc",   "cf",   "cfd",    "click", "club",    "country",
    "cricket",    "cyou",  "date",    "download", "email", "faith", "fit",   "fun",   "ga",      "gdn",
    "gq",         "host",  "icu",     "kim",      "link", "live", "loan",   "men",   "ml",      "monster",
    "online",     "party", "pw",      "racing",   "rest", "review", "sbs",  "science", "shop",  "site",
    "space",      "store", "stream",  "su",       "tk",   "top",  "trade",  "uno",   "vip",     "website",
    "win",        "work",  "ws",      "xyz"};

constexpr std::string_view kLegacyGenericTlds[] = {"com", "edu", "gov", "int", "mil", "net", "org"};

// URL shorteners: a short link hides the destination.
constexpr std::string_view kShorteners[] = {
    "adf.ly",  "bit.ly",    "bitly.com", "bl.ink",  "buff.ly", "clck.ru",    "cutt.ly",  "db.tt",
    "goo.gl",  "is.gd",     "lnkd.in",   "ow.ly",   "qr.net",  "rb.gy",      "rebrand.ly", "s.id",
    "shorte.st", "shorturl.at", "soo.gd", "t.co",   "t.ly",    "tiny.cc",    "tinyurl.com", "tr.im",
    "u.to",    "urlz.fr",   "v.gd",      "x.co"};

// Free hosting and site builders: anyone can publish under these names in minutes.
constexpr std::string_view kFreeHosting[] = {
    "000webhostapp.com", "appspot.com",     "azurewebsites.net", "blogspot.com",    "carrd.co",
    "docs.google.com",   "drive.google.com", "duckdns.org",      "firebaseapp.com", "forms.gle",
    "github.io",         "gitlab.io",       "glitch.me",         "godaddysites.com", "herokuapp.com",
    "ipfs.io",           "jimdosite.com",   "mystrikingly.com",  "netlify.app",     "ngrok.io",
    "pages.dev",         "r2.dev",          "repl.co",           "sites.google.com", "squarespace.com",
    "storage.googleapis.com", "surge.sh",   "vercel.app",        "web.app",         "webflow.io",
    "weebly.com",        "weeblysite.com",  "wixsite.com",       "wordpress.com",   "workers.dev",
    "yolasite.com"};

constexpr std::string_view kScriptExts[] = {"asp", "aspx", "cfm", "cgi", "do", "jsp", "php", "php3", "php5", "pl"};
constexpr std::string_view kHtmlExts[] = {"htm", "html", "shtml", "xhtml"};
constexpr std::string_view kExecArchiveExts[] = {"7z",  "apk", "bat", "bin", "cmd", "dmg", "exe", "gz", "iso",
                                                 "jar", "msi", "ps1", "rar", "scr", "tar", "vbs", "zip"};
constexpr std::string_view kTldTokens[] = {"co", "com", "edu", "gov", "net", "org"};

enum : uint32_t { kFreeHostingBit = 1, kShortenerBit = 2, kAbusedTldBit = 4, kLegacyTldBit = 8 };

template <size_t N>
bool in_table(const std::string_view (&table)[N], std::string_view s) {
    for (std::string_view t : table) {
        if (t == s) return true;
    }
    return false;
}

using detail::is_alnum;
using detail::is_letter;
using detail::kClass;
using detail::kDigit;
using detail::kLower;
using detail::kUpper;
using detail::kVowel;
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// c * log2(c) as float (the terms of the entropy sums).
const std::array<float, 1024>& c_log_c() {
    static const std::array<float, 1024> t = [] {
        std::array<float, 1024> t{};
        for (size_t c = 1; c < t.size(); ++c) t[c] = static_cast<float>(c * std::log2(static_cast<double>(c)));
        return t;
    }();
    return t;
}
const std::array<double, 1024>& log2_table() {  // the same values as std::log2, without the call
    static const std::array<double, 1024> t = [] {
        std::array<double, 1024> t{};
        for (size_t n = 1; n < t.size(); ++n) t[n] = std::log2(static_cast<double>(n));
        return t;
    }();
    return t;
}

// Byte histogram that remembers which bytes occurred, so entropy visits only those.
struct Histogram {
    std::array<uint16_t, 256> count{};
    std::array<uint8_t, 256> seen;
    size_t distinct = 0;
    size_t total = 0;
    void add(std::string_view s) {
        for (char ch : s) {
            const auto c = static_cast<unsigned char>(ch);
            if (count[c]++ == 0) seen[distinct++] = c;
        }
        total += s.size();
    }
    void merge(const Histogram& other) {
        for (size_t i = 0; i < other.distinct; ++i) {
            const uint8_t c = other.seen[i];
            if (count[c] == 0) seen[distinct++] = c;
            count[c] = static_cast<uint16_t>(count[c] + other.count[c]);
        }
        total += other.total;
    }
    // Shannon entropy in bits per byte: log2(n) - sum(c*log2 c)/n.
    float entropy() const {
        if (total == 0) return 0.0f;
        const auto& clogc = c_log_c();
        double sum = 0.0;
        for (size_t i = 0; i < distinct; ++i) {
            const uint16_t c = count[seen[i]];
            sum += c < clogc.size() ? clogc[c] : c * std::log2(static_cast<double>(c));
        }
        const auto& log2s = log2_table();
        const double log2_total = total < log2s.size() ? log2s[total] : std::log2(static_cast<double>(total));
        const double h = log2_total - sum / static_cast<double>(total);
        return static_cast<float>(std::max(0.0, h));
    }
};

// Entropies of the host, of the path + "?query" and of U, bit-identical to Histogram::entropy.
// Below 1024 bytes every count is below 1024, so every term c*log2(c) is a float of c_log_c(): 0
// or >= 2, hence a multiple of 2^-22, and all sums stay below 2^19. Histogram's double sum is
// then exact whatever the order, so it equals an integer sum in units of 2^-22, which is
// accumulated per byte as the count grows (F(k+1) - F(k)): no list of distinct bytes, no merge.
struct Entropies {
    float host = 0, path_query = 0, all = 0;
};
constexpr size_t kExactEntropyBytes = 1024;
constexpr double kFixedUnit = 1.0 / (1 << 22);
const std::array<int64_t, kExactEntropyBytes>& c_log_c_steps() {
    static const std::array<int64_t, kExactEntropyBytes> t = [] {
        std::array<int64_t, kExactEntropyBytes + 1> fixed{};
        const auto& clogc = c_log_c();
        for (size_t c = 0; c < clogc.size(); ++c) {
            fixed[c] = static_cast<int64_t>(static_cast<double>(clogc[c]) * (1 << 22));
            assert(static_cast<double>(fixed[c]) * kFixedUnit == static_cast<double>(clogc[c]));  // exact
        }
        std::array<int64_t, kExactEntropyBytes> steps{};
        for (size_t c = 0; c + 1 < clogc.size(); ++c) steps[c] = fixed[c + 1] - fixed[c];
        return steps;
    }();
    return t;
}
float entropy_from_fixed(int64_t sum_fixed, size_t total) {
    if (total == 0) return 0.0f;
    const double sum = static_cast<double>(sum_fixed) * kFixedUnit;
    const double h = log2_table()[total] - sum / static_cast<double>(total);
    return static_cast<float>(std::max(0.0, h));
}
Entropies entropies(std::string_view all, size_t host_begin, size_t host_end, size_t pq_begin) {
    Entropies e;
    if (all.size() >= kExactEntropyBytes) {
        Histogram hist_host, hist_pq, hist_all;
        hist_host.add(all.substr(host_begin, host_end - host_begin));
        hist_pq.add(all.substr(pq_begin));
        hist_all.add(all.substr(0, host_begin));                  // userinfo
        hist_all.add(all.substr(host_end, pq_begin - host_end));  // port
        hist_all.merge(hist_host);
        hist_all.merge(hist_pq);
        return {hist_host.entropy(), hist_pq.entropy(), hist_all.entropy()};
    }
    const auto& step = c_log_c_steps();
    // Per byte value, three 10-bit counts (every count is below 1024 here): in U (bits 0-9), in the
    // host (10-19) and in the path + query (20-29): one load and one store per byte for two
    // histograms, and nothing to reset between the regions.
    uint32_t counts[256] = {};
    int64_t s_all = 0, s_host = 0, s_pq = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(all.data());
    for (size_t i = 0; i < host_begin; ++i) s_all += step[counts[p[i]]++ & 0x3FF];
    if (host_begin == 0) {
        // No userinfo: up to the host's end, U's counts are the host's, and so are its steps.
        for (size_t i = 0; i < host_end; ++i) {
            const uint32_t c = counts[p[i]];
            counts[p[i]] = c + (1u | 1u << 10);
            s_host += step[c & 0x3FF];
        }
        s_all = s_host;
    } else {
        for (size_t i = host_begin; i < host_end; ++i) {
            const uint32_t c = counts[p[i]];
            counts[p[i]] = c + (1u | 1u << 10);
            s_all += step[c & 0x3FF];
            s_host += step[(c >> 10) & 0x3FF];
        }
    }
    for (size_t i = host_end; i < pq_begin; ++i) s_all += step[counts[p[i]]++ & 0x3FF];
    for (size_t i = pq_begin; i < all.size(); ++i) {
        const uint32_t c = counts[p[i]];
        counts[p[i]] = c + (1u | 1u << 20);
        s_all += step[c & 0x3FF];
        s_pq += step[c >> 20];
    }
    e.host = entropy_from_fixed(s_host, host_end - host_begin);
    e.path_query = entropy_from_fixed(s_pq, all.size() - pq_begin);
    e.all = entropy_from_fixed(s_all, all.size());
    return e;
}

size_t count_char(std::string_view s, char c) { return static_cast<size_t>(std::count(s.begin(), s.end(), c)); }

// "[userinfo@]host[:port][path][?query]" (truncated past kCapacity), with the zeroed padding
// the AVX2 byte scan reads around it.
class Scratch {
public:
    static constexpr size_t kCapacity = 3 * url::kMaxUrlBytes + 64;
    void append(std::string_view s) {
        const size_t n = std::min(s.size(), kCapacity - size_);
        truncated_ = truncated_ || n < s.size();
        if (n == 0) return;  // s.data() may be null
        std::memcpy(mutable_data() + size_, s.data(), n);
        size_ += n;
    }
    void push(char c) { append(std::string_view(&c, 1)); }
    size_t size() const { return size_; }
    bool truncated() const { return truncated_; }
    const char* data() const { return buf_.data() + kLead; }
    std::string_view view(size_t from = 0, size_t to = SIZE_MAX) const {
        from = std::min(from, size_);
        to = std::min(to, size_);
        return {data() + from, to - from};
    }
    // Zeroes the byte before the text and kByteScanPadding bytes after it.
    void pad() {
        buf_[kLead - 1] = 0;
        std::memset(mutable_data() + size_, 0, kByteScanPadding);
    }

private:
    static constexpr size_t kLead = 64;
    char* mutable_data() { return buf_.data() + kLead; }
    std::array<char, kLead + kCapacity + kByteScanPadding> buf_;
    size_t size_ = 0;
    bool truncated_ = false;

public:
    // Filled by the byte scan.
    std::array<uint64_t, byte_mask_words(kCapacity)> alnum_bits;
    std::array<uint64_t, byte_mask_words(kCapacity)> dot_bits;
    std::array<uint64_t, byte_mask_words(kCapacity)> separator_bits;
    std::array<uint64_t, byte_mask_words(kCapacity)> equals_bits;
    ByteMasks masks() { return {alnum_bits.data(), dot_bits.data(), separator_bits.data(), equals_bits.data()}; }
};

// Calls on_run(begin, end) for each maximal run of set bits within [from, to) (bits past `to` are 0
// or ignored).
template <class F>
__attribute__((always_inline)) inline void for_each_run(const uint64_t* words, size_t from, size_t to, F&& on_run) {
    const size_t word_count = byte_mask_words(to);
    size_t i = from;
    while (i < to) {
        size_t w = i / 64;
        uint64_t m = words[w] & (~0ULL << (i % 64));
        while (m == 0 && ++w < word_count) m = words[w];
        if (m == 0) return;
        const size_t begin = w * 64 + static_cast<size_t>(std::countr_zero(m));
        if (begin >= to) return;
        uint64_t z = ~words[w] & (~0ULL << (begin % 64));
        while (z == 0 && ++w < word_count) z = ~words[w];
        const size_t end = z == 0 ? to : std::min(to, w * 64 + static_cast<size_t>(std::countr_zero(z)));
        on_run(begin, end);
        i = end;
    }
}

// Position of a byte in kCountedBytes (at compile time).
consteval size_t counted_index(char c) {
    for (size_t k = 0; k < kCountedBytes.size(); ++k) {
        if (kCountedBytes[k] == c) return k;
    }
    throw "not a counted byte";
}

// The first set bit in [from, to), or `to`.
size_t first_bit(const uint64_t* words, size_t from, size_t to) {
    for (size_t w = from / 64; w < byte_mask_words(to); ++w) {
        uint64_t m = words[w];
        if (w == from / 64) m &= ~0ULL << (from % 64);
        if (m != 0) return std::min(to, w * 64 + static_cast<size_t>(std::countr_zero(m)));
    }
    return to;
}

// Calls on_bit(i) for each set bit i in [from, to).
template <class F>
void for_each_bit(const uint64_t* words, size_t from, size_t to, F&& on_bit) {
    for (size_t w = from / 64; w < byte_mask_words(to); ++w) {
        uint64_t m = words[w];
        if (w == from / 64) m &= ~0ULL << (from % 64);
        for (; m != 0; m &= m - 1) {
            const size_t i = w * 64 + static_cast<size_t>(std::countr_zero(m));
            if (i >= to) return;
            on_bit(i);
        }
    }
}

}  // namespace

std::span<const std::string_view> feature_names() { return kNames; }

UrlFeatureExtractor::UrlFeatureExtractor(const domain::PublicSuffixList& psl, const domain::BrandList& brands)
    : UrlFeatureExtractor(psl, brands,
                          std::make_shared<const domain::LookalikeDetector>(domain::LookalikeDetector::build(brands, psl))) {}

UrlFeatureExtractor::UrlFeatureExtractor(const domain::PublicSuffixList& psl, const domain::BrandList& brands,
                                         std::shared_ptr<const domain::LookalikeDetector> lookalike)
    : psl_(psl),
      brands_(brands),
      lookalike_(std::move(lookalike)),
      sensitive_words_(kSensitiveWords),
      scan_bytes_(best_scan_bytes()) {
    min_sensitive_word_ = std::max<size_t>(1, sensitive_words_.min_length());
    for (std::string_view d : kFreeHosting) host_tables_.insert(d, kFreeHostingBit, /*merge_or=*/true);
    for (std::string_view d : kShorteners) host_tables_.insert(d, kShortenerBit, true);
    for (std::string_view d : kAbusedTlds) host_tables_.insert(d, kAbusedTldBit, true);
    for (std::string_view d : kLegacyGenericTlds) host_tables_.insert(d, kLegacyTldBit, true);
}

void UrlFeatureExtractor::extract(const url::ParsedUrl& u, FeatureVector& f, domain::LookalikeMatch* lookalike) const {
    f.fill(0.0f);
    if (lookalike != nullptr) *lookalike = {};
    const bool is_ip = u.host_kind != url::HostKind::kName;

    // Host without a leading "www." label (only when something registrable remains).
    std::string_view host = u.host;
    if (!is_ip && host.size() > 4 && host.substr(0, 4) == "www." && host.find('.', 4) != std::string_view::npos) {
        host.remove_prefix(4);
    }
    const auto parts = is_ip ? domain::PublicSuffixList::Parts{host, {}} : psl_.split(host);
    std::string_view reg = parts.registrable;
    std::string_view suffix = parts.suffix;
    // Free hosting platforms missing from the PSL private section (e.g. 000webhostapp.com) act as
    // suffixes too: "paypal-login.000webhostapp.com" is the user's site, not a popular domain.
    bool free_hosting = false, shortener = false;
    uint32_t tld_flags = 0;
    if (!is_ip) {
        // The last three labels against the host tables, hashing each byte once: the TLD class,
        // and the longest free-hosting / shortener suffix.
        std::string_view d;
        uint64_t h = domain::FlatStringMap::kHashSeed;
        size_t end = host.size();
        for (int labels = 1; labels <= 3 && end > 0; ++labels) {
            const size_t dot = host.rfind('.', end - 1);
            const size_t start = dot == std::string_view::npos ? 0 : dot + 1;
            h = domain::FlatStringMap::prepend_reverse(h, host.substr(start, end - start + (end < host.size())));
            const std::string_view suffix = host.substr(start);
            const uint32_t flags = host_tables_.find_prehashed(suffix, h);
            if (labels == 1) {
                tld_flags = flags;
            } else {
                if (flags & kFreeHostingBit) d = suffix;
                if ((flags & kShortenerBit) && (suffix == host || suffix == reg)) shortener = true;
            }
            if (dot == std::string_view::npos) break;
            end = dot;
        }
        if (!d.empty()) {
            free_hosting = true;
            if (host.size() > d.size() && reg.size() <= d.size()) {
                const std::string_view before = host.substr(0, host.size() - d.size() - 1);
                const size_t dot = before.rfind('.');
                reg = host.substr(dot == std::string_view::npos ? 0 : dot + 1);
                suffix = d;
            }
        }
    }
    std::string_view label = reg;  // registrable domain without its public suffix
    if (!suffix.empty() && suffix.size() + 1 < reg.size()) label = reg.substr(0, reg.size() - suffix.size() - 1);
    if (is_ip) label = {};
    const std::string_view sub = reg.size() + 1 < host.size() ? host.substr(0, host.size() - reg.size() - 1)
                                                              : std::string_view{};
    // Start the misses of the lookups keyed by the registrable domain and its label (ranking,
    // lookalike index) now; the passes over the URL's bytes below run meanwhile.
    if (!is_ip) {
        brands_.prefetch_rank(reg);
        lookalike_->prefetch(label);
    }
    // A lone "/" path counts as no path.
    const std::string_view path = u.path == "/" ? std::string_view{} : std::string_view(u.path);
    const std::string_view query = u.query;

    Scratch s;
    if (u.has_userinfo) {
        s.append(u.userinfo);
        s.push('@');
    }
    const size_t host_begin = s.size();
    s.append(host);
    const size_t host_end = s.size();
    if (u.port) {
        char digits[8];
        int n = 0;
        unsigned p = *u.port;
        do {
            digits[n++] = static_cast<char>('0' + p % 10);
            p /= 10;
        } while (p != 0);
        s.push(':');
        while (n > 0) s.push(digits[--n]);
    }
    const size_t pq_begin = s.size();
    s.append(path);
    const size_t path_end = s.size();
    if (u.has_query) {
        s.push('?');
        s.append(query);
    }
    const std::string_view all = s.view();
    const std::string_view pq = s.view(pq_begin);
    const std::string_view path_v = s.view(pq_begin, path_end);

    // One classification pass over U (AVX2 when the CPU has it), then the entropies.
    s.pad();
    // Where the registrable label lies in the host (it is a part of it; empty for IP hosts).
    const auto address = [](const char* p) { return reinterpret_cast<uintptr_t>(p); };
    const bool label_in_host_bytes = !label.empty() && address(label.data()) >= address(host.data()) &&
                                     address(label.data()) + label.size() <= address(host.data()) + host.size();
    const size_t label_in_host = label_in_host_bytes ? address(label.data()) - address(host.data()) : 0;
    const size_t label_length = label_in_host_bytes ? label.size() : 0;
    ByteScan bytes;
    if (s.truncated()) {  // never seen in practice: the host's figures come from the host itself
        ByteScan of_host;
        scan_bytes_scalar(
            host.data(), host.size(),
            ByteRegions{0, host.size(), host.size(), host.size(), label_in_host, label_in_host + label_length}, of_host,
            s.masks());
        scan_bytes_(s.data(), all.size(), ByteRegions{host_begin, host_end, pq_begin, path_end}, bytes, s.masks());
        bytes.host_dots = of_host.host_dots;
        bytes.host_hyphens = of_host.host_hyphens;
        bytes.host_digits = of_host.host_digits;
        bytes.longest_host_label = of_host.longest_host_label;
        bytes.host_max_consonant_run = of_host.host_max_consonant_run;
        bytes.punycode_labels = of_host.punycode_labels;
        bytes.label_vowels = of_host.label_vowels;
        bytes.label_letters = of_host.label_letters;
        bytes.label_digits = of_host.label_digits;
        bytes.label_hyphens = of_host.label_hyphens;
    } else {
        scan_bytes_(s.data(), all.size(),
                    ByteRegions{host_begin, host_end, pq_begin, path_end, host_begin + label_in_host,
                                host_begin + label_in_host + label_length},
                    bytes, s.masks());
    }
    const Entropies entropy = entropies(all, host_begin, host_end, pq_begin);
    const size_t digits = bytes.digits;
    const size_t letters = bytes.letters;
    const size_t upper = bytes.upper;
    const size_t non_ascii = bytes.non_ascii;

    const float n = static_cast<float>(all.size());
    f[kUrlLength] = n;
    f[kHostLength] = static_cast<float>(host.size());
    f[kPathLength] = static_cast<float>(path.size());
    f[kQueryLength] = static_cast<float>(query.size());
    f[kRegistrableDomainLength] = static_cast<float>(reg.size());
    f[kRegistrableLabelLength] = static_cast<float>(label.size());
    f[kPublicSuffixLength] = static_cast<float>(suffix.size());
    f[kSubdomainLength] = static_cast<float>(sub.size());

    f[kUrlDotCount] = static_cast<float>(bytes.counted[counted_index('.')]);
    f[kUrlHyphenCount] = static_cast<float>(bytes.counted[counted_index('-')]);
    f[kUrlUnderscoreCount] = static_cast<float>(bytes.counted[counted_index('_')]);
    f[kUrlSlashCount] = static_cast<float>(bytes.counted[counted_index('/')]);
    f[kUrlQuestionCount] = static_cast<float>(bytes.counted[counted_index('?')]);
    f[kUrlEqualsCount] = static_cast<float>(bytes.counted[counted_index('=')]);
    f[kUrlAmpersandCount] = static_cast<float>(bytes.counted[counted_index('&')]);
    f[kUrlAtCount] = static_cast<float>(bytes.counted[counted_index('@')]);
    f[kUrlTildeCount] = static_cast<float>(bytes.counted[counted_index('~')]);
    f[kUrlPercentCount] = static_cast<float>(bytes.counted[counted_index('%')]);
    f[kUrlPlusCount] = static_cast<float>(bytes.counted[counted_index('+')]);
    f[kUrlDigitCount] = static_cast<float>(digits);
    f[kUrlDigitRatio] = n > 0 ? static_cast<float>(digits) / n : 0.0f;
    f[kUrlLetterRatio] = n > 0 ? static_cast<float>(letters) / n : 0.0f;
    f[kUrlUppercaseRatio] = letters > 0 ? static_cast<float>(upper) / static_cast<float>(letters) : 0.0f;
    f[kUrlSpecialRatio] = n > 0 ? static_cast<float>(all.size() - digits - letters) / n : 0.0f;

    f[kHostDotCount] = static_cast<float>(bytes.host_dots);
    f[kHostHyphenCount] = static_cast<float>(bytes.host_hyphens);
    f[kHostDigitCount] = static_cast<float>(bytes.host_digits);
    f[kSubdomainDepth] = sub.empty() ? 0.0f : static_cast<float>(count_char(sub, '.') + 1);

    f[kHostEntropy] = entropy.host;
    f[kPathQueryEntropy] = entropy.path_query;
    f[kUrlEntropy] = entropy.all;

    f[kHostIsIpv4] = u.host_kind == url::HostKind::kIPv4 ? 1.0f : 0.0f;
    f[kHostIsIpv6] = u.host_kind == url::HostKind::kIPv6 ? 1.0f : 0.0f;
    f[kPunycodeLabelCount] = static_cast<float>(bytes.punycode_labels);
    f[kNonAsciiCount] = static_cast<float>(non_ascii);

    if (!is_ip) {
        const size_t last_dot = host.rfind('.');
        const std::string_view tld = last_dot == std::string_view::npos ? host : host.substr(last_dot + 1);
        f[kTldAbused] = (tld_flags & kAbusedTldBit) ? 1.0f : 0.0f;
        f[kTldCountryCode] = (tld.size() == 2 && is_letter(tld[0]) && is_letter(tld[1])) ? 1.0f : 0.0f;
        f[kTldGenericLegacy] = (tld_flags & kLegacyTldBit) ? 1.0f : 0.0f;
        f[kPublicSuffixLabelCount] = suffix.empty() ? 0.0f : static_cast<float>(count_char(suffix, '.') + 1);
    }
    if (u.port) {
        f[kHasPort] = 1.0f;
        f[kPortNonStandard] = (*u.port != 80 && *u.port != 443) ? 1.0f : 0.0f;
    }

    // Sensitive words are letters only: they lie inside the alphanumeric tokens of the scan's mask
    // (the automaton is back at its root after any other byte), so only tokens at least as long as
    // the shortest word are run through it. The path and query's tokens are counted below, in the
    // same walk as their brand tokens.
    size_t sensitive_pq = 0;
    if (!s.truncated()) {
        size_t sensitive_host = 0;
        for_each_run(s.alnum_bits.data(), host_begin, host_end, [&](size_t begin, size_t end) {
            if (end - begin >= min_sensitive_word_) {
                sensitive_host += sensitive_words_.count_in_token(all.substr(begin, end - begin));
            }
        });
        f[kSensitiveWordsHost] = static_cast<float>(sensitive_host);
    } else {
        f[kSensitiveWordsHost] = static_cast<float>(sensitive_words_.count(host));
        sensitive_pq = sensitive_words_.count(pq);
    }

    size_t brand_sub = 0, brand_pq = 0;
    brands_.for_each_brand(sub, [&](std::string_view brand, size_t, size_t) { brand_sub += brand != label; });
    // Paths and queries can be long: whole tokens only (runs of the scan's alphanumeric mask), one
    // hash probe each, as BrandList::for_each_brand_token does.
    // (With the sensitive words of the path and query: the same tokens.)
    for_each_run(s.alnum_bits.data(), pq_begin, all.size(), [&](size_t begin, size_t end) {
        const std::string_view token = all.substr(begin, end - begin);
        if (token.size() >= min_sensitive_word_ && !s.truncated()) {
            sensitive_pq += sensitive_words_.count_in_token(token);
        }
        if (!brands_.is_brand_token(token)) return;
        char lowered[64];  // brand tokens are at most 64 bytes
        for (size_t k = 0; k < token.size(); ++k) lowered[k] = static_cast<char>(token[k] | 0x20);
        brand_pq += std::string_view(lowered, token.size()) != label;
    });
    f[kSensitiveWordsPathQuery] = static_cast<float>(sensitive_pq);
    f[kBrandInSubdomain] = static_cast<float>(brand_sub);
    f[kBrandInPathQuery] = static_cast<float>(brand_pq);
    const size_t reg_rank = is_ip ? 0 : brands_.rank(reg);
    domain::LookalikeDetector::BrandHits label_brands;  // handed to the lookalike check below
    const bool label_scanned = reg_rank == 0 && !label.empty();
    if (label_scanned) {
        bool embedded = false;
        brands_.for_each_brand(label, [&](std::string_view brand, size_t begin, size_t end) {
            embedded = embedded || brand.size() < label.size();
            label_brands.add(brand, begin, end);
        });
        f[kBrandInRegistrableLabel] = embedded ? 1.0f : 0.0f;
    }
    f[kRegistrablePopularity] =
        reg_rank == 0 ? 0.0f : std::max(0.0f, 5.0f - static_cast<float>(std::log10(static_cast<double>(reg_rank))));

    if (!is_ip) {
        if (shortener) f[kIsShortener] = 1.0f;
    }
    f[kIsFreeHosting] = free_hosting ? 1.0f : 0.0f;
    f[kHasUserinfo] = u.has_userinfo ? 1.0f : 0.0f;
    f[kDoubleSlashInPath] = static_cast<float>(bytes.double_slash);
    f[kEmbeddedUrlCount] = static_cast<float>(bytes.embedded_urls);

    // Extension of the last path segment.
    const size_t last_slash = path_v.rfind('/');
    const std::string_view last_segment = last_slash == std::string_view::npos ? path_v : path_v.substr(last_slash + 1);
    const size_t ext_dot = last_segment.rfind('.');
    if (ext_dot != std::string_view::npos && ext_dot > 0) {
        const std::string_view ext_raw = last_segment.substr(ext_dot + 1);
        if (!ext_raw.empty() && ext_raw.size() <= 6 && std::all_of(ext_raw.begin(), ext_raw.end(), is_alnum)) {
            char buf[6];
            for (size_t i = 0; i < ext_raw.size(); ++i) buf[i] = lower(ext_raw[i]);
            const std::string_view ext(buf, ext_raw.size());
            if (in_table(kScriptExts, ext)) f[kExtScriptPage] = 1.0f;
            else if (in_table(kHtmlExts, ext)) f[kExtHtml] = 1.0f;
            else if (in_table(kExecArchiveExts, ext)) f[kExtExecutableOrArchive] = 1.0f;
            else f[kExtOther] = 1.0f;
        }
    }

    size_t params = 0, longest_value = 0;
    if (u.has_query && !s.truncated()) {
        // Parameters split at '&' or ';'; a value is what follows a parameter's first '='. From the
        // scan's masks: one step per parameter.
        const size_t query_begin = path_end + 1;
        size_t start = query_begin;
        const auto parameter = [&](size_t end) {
            if (end > start) {
                ++params;
                const size_t eq = first_bit(s.equals_bits.data(), start, end);
                longest_value = std::max(longest_value, eq == end ? 0 : end - eq - 1);
            }
            start = end + 1;
        };
        for_each_bit(s.separator_bits.data(), query_begin, all.size(), parameter);
        parameter(all.size());
    } else if (u.has_query) {
        size_t start = 0, eq = std::string_view::npos;
        for (size_t i = 0; i <= query.size(); ++i) {
            const char c = i < query.size() ? query[i] : '&';
            if (c != '&' && c != ';') {
                if (c == '=' && eq == std::string_view::npos) eq = i;
                continue;
            }
            if (i > start) {
                ++params;
                longest_value = std::max(longest_value, eq == std::string_view::npos ? 0 : i - eq - 1);
            }
            start = i + 1;
            eq = std::string_view::npos;
        }
    }
    f[kQueryParamCount] = static_cast<float>(params);
    f[kLongestQueryValue] = static_cast<float>(longest_value);

    f[kLongestHostLabel] = static_cast<float>(bytes.longest_host_label);
    f[kLongestPathToken] = static_cast<float>(bytes.longest_pq_token);
    f[kHexTokenCount] = static_cast<float>(bytes.hex_tokens);
    f[kLongestDigitRun] = static_cast<float>(bytes.max_digit_run);
    f[kMaxRepeatedCharRun] = static_cast<float>(bytes.max_repeat);

    f[kPathDepth] = static_cast<float>(bytes.path_depth);

    if (!is_ip) {
        f[kHostMaxConsonantRun] = static_cast<float>(bytes.host_max_consonant_run);
        if (!label_in_host_bytes) {  // not expected (the label is cut from the host): count it here
            bytes.label_vowels = bytes.label_letters = bytes.label_digits = bytes.label_hyphens = 0;
            for (char c : label) {
                const uint8_t cls = kClass[static_cast<unsigned char>(c)];
                bytes.label_vowels += (cls & kVowel) != 0;
                bytes.label_letters += (cls & (kLower | kUpper)) != 0;
                bytes.label_digits += (cls & kDigit) != 0;
                bytes.label_hyphens += c == '-';
            }
        }
        f[kRegistrableLabelVowelRatio] =
            bytes.label_letters > 0 ? static_cast<float>(bytes.label_vowels) / static_cast<float>(bytes.label_letters)
                                    : 0.0f;
        f[kRegistrableLabelDigitCount] = static_cast<float>(bytes.label_digits);
        f[kRegistrableLabelHyphenCount] = static_cast<float>(bytes.label_hyphens);
    }

    // "name@domain.tld" in the path or query (victim e-mail in phishing kits' links).
    for (size_t at = pq.find('@'); at != std::string_view::npos; at = pq.find('@', at + 1)) {
        if (at == 0 || !is_alnum(pq[at - 1])) continue;
        size_t j = at + 1;
        while (j < pq.size() && (is_alnum(pq[j]) || pq[j] == '-')) ++j;
        if (j > at + 1 && j + 2 < pq.size() && pq[j] == '.' && is_letter(pq[j + 1]) && is_letter(pq[j + 2])) {
            f[kEmailInPathQuery] = 1.0f;
            break;
        }
    }

    // "com", "net", ... used as a label before the registrable domain or as ".com" in the path.
    size_t tld_tokens = 0;
    size_t start = 0;
    while (start < sub.size()) {
        size_t dot = sub.find('.', start);
        if (dot == std::string_view::npos) dot = sub.size();
        tld_tokens += in_table(kTldTokens, sub.substr(start, dot - start));
        start = dot + 1;
    }
    for_each_bit(s.dot_bits.data(), pq_begin, all.size(), [&](size_t i) {  // the dots of the path and query
        size_t j = i + 1;
        while (j < all.size() && is_letter(all[j]) && j - i <= 3) ++j;
        if (j - i - 1 < 2 || j - i - 1 > 3 || (j < all.size() && is_alnum(all[j]))) return;
        char buf[3];
        for (size_t k = i + 1; k < j; ++k) buf[k - i - 1] = lower(all[k]);
        tld_tokens += in_table(kTldTokens, std::string_view(buf, j - i - 1));
    });
    f[kTldTokenOutsideSuffix] = static_cast<float>(tld_tokens);

    if (!is_ip && reg_rank == 0) {
        using T = domain::LookalikeTechnique;
        // rank 0: not protected either when the detector indexes this very list (one lookup less).
        // The label's brand scan is the detector's own when it indexes this list.
        const domain::LookalikeMatch m =
            lookalike_->built_from(brands_)
                ? lookalike_->check_unlisted(host, {reg, suffix}, label_scanned ? &label_brands : nullptr)
                : lookalike_->check(host, {reg, suffix});
        if (lookalike != nullptr) *lookalike = m;
        if (m) {
            f[kLookalikeMatch] = 1.0f;
            f[kLookalikeDistance] = static_cast<float>(m.distance);
            f[kLookalikeHomoglyph] = m.technique == T::kHomoglyph ? 1.0f : 0.0f;
            const bool typo = m.technique != T::kTldSwap && m.technique != T::kDictionary && m.technique != T::kCombo &&
                              m.technique != T::kBrandInSubdomain && m.technique != T::kSubdomain;
            f[kLookalikeTyposquat] = typo ? 1.0f : 0.0f;
            f[kLookalikeTargetPopularity] =
                std::max(0.0f, 5.0f - static_cast<float>(std::log10(static_cast<double>(std::max<uint32_t>(m.rank, 1)))));
        }
    }
}

}  // namespace vigil::features
