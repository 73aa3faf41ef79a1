#pragma once
// Labelled URL data for training and evaluation: reading the supported file shapes, de-duplication,
// the deterministic train/validation/test split and the popular-domain hold-out.
//
// File shapes (plain or .gz), detected from the content unless the caller says otherwise:
// - CSV with a header and a URL column (default "url") and a label column ("label" or "status").
//   Labels "phishing"/"legitimate" (Hannousse 2021, Ebbu2017) or "1"/"0" (PhishStorm) are known;
//   anything else needs an explicit positive value.
// - A plain list of URLs, one per line, with every row labelled by the caller (all positive /
//   all negative).
// - A domain list, "rank,domain" or "domain" per line (Alexa-style, Tranco): each domain becomes
//   the legitimate homepage "https://<domain>/".
// Every URL read from a CSV has the HTML entity "&amp;" turned back into "&" (Ebbu2017 has 3k URLs
// scraped from HTML and never unescaped; a real URL practically never contains "&amp;").
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/domain/public_suffix.hpp"

namespace vigil::ml {

enum class LabelSource {
    kAuto,         // detect: CSV with a known label column, or a domain list (legitimate homepages)
    kColumn,       // CSV label column; `positive` names the phishing value (auto if empty)
    kAllPositive,  // every row is phishing (a CSV's URL column or a plain list)
    kAllNegative,  // every row is legitimate
    kDomainList,   // "rank,domain" / "domain" lines -> legitimate homepages
};

// The popular-domain hold-out: registrable domains are split in two halves by a hash so that
// legitimate URLs of the held-out half are never trained on and measure false positives.
enum class DomainHalf { kAll, kTrain, kHeldOut };

// How a domain list becomes URLs. kHttps: "https://<domain>/" (the FP test). kMixed: one of
// "https://<d>/", "http://<d>/", "https://www.<d>/", "<d>" chosen by a hash of the domain, so a
// model sees the forms people type (training only).
enum class HomepageStyle { kHttps, kMixed };

struct DataSpec {
    std::filesystem::path path{};
    LabelSource labels = LabelSource::kAuto;
    std::string url_col{};    // empty: "url"
    std::string label_col{};  // empty: "label", else "status"
    std::string positive{};   // empty: "phishing" or "1" when the column holds those
    // Keeps only legitimate rows whose registrable domain is in this half; phishing rows are kept.
    DomainHalf domain_half = DomainHalf::kAll;
    HomepageStyle homepage_style = HomepageStyle::kHttps;
    // When set: keep only rows (either label) whose registrable domain is in this domain list,
    // e.g. deeper legitimate URLs of popular domains for the false-positive test.
    std::filesystem::path only_domains{};
    double weight = 1.0;  // sample weight of every row of this file
};

struct UrlRow {
    std::string url;
    int label = 0;  // 1 = phishing, 0 = legitimate
    float weight = 1.0f;
    uint16_t source = 0;  // index into UrlDataset::sources
};

struct SourceInfo {
    std::string path;
    std::string sha256;       // of the file as stored (compressed bytes for .gz)
    std::string description;  // detected shape, e.g. "csv url=url label=status positive=phishing"
    double weight = 1.0;
    size_t records = 0;             // data records read (header excluded)
    size_t kept = 0;                // rows in the data set
    size_t positives = 0, negatives = 0;
    size_t skipped_malformed = 0;   // empty, control characters, unparseable, unknown label value
    size_t skipped_domain_half = 0; // legitimate rows of the other domain half
    size_t skipped_not_listed = 0;  // rows whose domain is not in DataSpec::only_domains
    size_t unescaped_amp = 0;       // rows whose "&amp;" was turned into "&"
    size_t duplicates = 0;          // rows dropped by deduplicate() (same key, same label)
    size_t conflicts = 0;           // rows dropped because the same key carried both labels
};

struct UrlDataset {
    std::vector<UrlRow> rows;
    std::vector<SourceInfo> sources;
};

// Reads the files in order into one data set (no de-duplication). `psl` gives registrable
// domains for the domain hold-out.
Result<UrlDataset> load_url_data(std::span<const DataSpec> specs, const domain::PublicSuffixList& psl);

// Key that identifies a URL across sources and spellings: the Safe Browsing canonical form
// without its scheme ("example.com/a?b"), so "example.com/a" and "https://example.com/a" are the
// same URL. Falls back to the trimmed input when it cannot be canonicalised.
std::string url_key(std::string_view url);

// Drops repeated keys, keeping the first row (sources listed first win). A key seen with both
// labels is dropped entirely: such a URL cannot be trusted either way. Counts go to SourceInfo.
void deduplicate(UrlDataset& data);

// 64-bit FNV-1a.
uint64_t fnv1a64(std::string_view bytes);
// FNV-1a followed by the murmur3 fmix64 finalizer: every bit depends on every input byte. The
// split, the domain hold-out and the homepage style use it (stable across runs and platforms).
uint64_t stable_hash(std::string_view bytes);

enum class Split : uint8_t { kTrain = 0, kValid = 1, kTest = 2 };
const char* split_name(Split s);

// Deterministic split from a URL key: stable_hash(key) % 100 -> [0,80) train, [80,90) validation,
// [90,100) test. Applied to each class alike, so every class is split 80/10/10 (stratified in
// expectation) and a URL stays in its split whatever else is in the data.
Split split_of_key(std::string_view key);

// Held-out half of registrable domains: stable_hash("domain-holdout:" + registrable) is odd.
bool in_heldout_half(std::string_view registrable_domain);

// Registrable domain of a URL's host ("" when it does not parse).
std::string registrable_domain_of(std::string_view url, const domain::PublicSuffixList& psl);

// SHA-256 of a file, lower-case hex.
Result<std::string> sha256_file(const std::filesystem::path& path);

}  // namespace vigil::ml
