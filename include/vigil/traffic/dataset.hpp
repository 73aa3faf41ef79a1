#pragma once
// Labelled connection records for training and evaluation, read by one of three loaders:
// NSL-KDD's original format (41 features, attack name, difficulty; no header), UNSW-NB15's CSV
// (`label`, `attack_cat`) and generic CSV with a named label column. Stored column-wise compact
// (126k NSL-KDD rows as Records would be ~200 MB of strings): numbers in a row-major double
// matrix, categorical values as ids into a per-field dictionary.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/traffic/record.hpp"

namespace vigil::traffic {

enum class DataFormat { kNslKdd, kUnswNb15, kCsv };

// "nsl-kdd", "unsw-nb15", "csv"; nullopt otherwise.
std::optional<DataFormat> parse_data_format(std::string_view name);

inline constexpr std::string_view kNormalFamily = "normal";

// Family of an NSL-KDD attack name ("neptune" -> "DoS", "normal" -> "normal"), including the
// attack types that only occur in KDDTest+ (apache2, mscan, ...); nullopt for an unknown name.
std::optional<std::string_view> nsl_kdd_family(std::string_view attack_name);

// NSL-KDD's four attack families, in the order the family head reports them.
const std::vector<std::string>& nsl_kdd_attack_families();

struct TrafficData {
    Schema schema;
    size_t num_rows = 0;
    std::vector<double> numbers;                       // num_rows * fields; NaN in categorical slots
    std::vector<uint32_t> codes;                       // num_rows * fields; ids in categorical slots
    std::vector<std::vector<std::string>> dictionary;  // per field: id -> text (empty for numeric fields)
    std::vector<uint8_t> labels;                       // 1 = attack
    std::vector<std::string> families;                 // [0] = "normal", then attack families
    std::vector<uint8_t> family;                       // per row, index into families

    size_t num_fields() const { return schema.fields.size(); }
    double number(size_t row, size_t field) const { return numbers[row * num_fields() + field]; }
    std::string_view text(size_t row, size_t field) const {
        return dictionary[field][codes[row * num_fields() + field]];
    }
    // Row `row` as a Record (tests and tools; training reads the columns directly).
    Record record(size_t row) const;
    // Appends the rows of `other` (same schema by names and kinds, else kMismatch); families merge by name.
    Status append(const TrafficData& other);
};

struct LoadOptions {
    std::string label_column;  // csv: the label column (required)
    // Drop rows whose label cannot be mapped instead of failing (the count is reported).
    bool skip_unknown_labels = false;
};

struct LoadReport {
    size_t rows = 0;
    size_t skipped = 0;  // malformed or unmapped rows skipped
};

Result<TrafficData> load_nsl_kdd(const std::filesystem::path& path, const LoadOptions& options = {},
                                 LoadReport* report = nullptr);
Result<TrafficData> load_unsw_nb15(const std::filesystem::path& path, const LoadOptions& options = {},
                                   LoadReport* report = nullptr);
// Header row required. A column is numeric when every non-empty value parses as a number,
// categorical otherwise. Label values: numbers (0 = normal, else attack, family "attack") or text
// ("normal"/"benign", any case = normal; any other text = attack of that family).
Result<TrafficData> load_traffic_csv(const std::filesystem::path& path, const LoadOptions& options,
                                     LoadReport* report = nullptr);
Result<TrafficData> load_traffic_data(const std::filesystem::path& path, DataFormat format,
                                      const LoadOptions& options = {}, LoadReport* report = nullptr);

// Deterministic stratified split (by family, then label): each class's rows are shuffled with
// `seed` and the first round(valid_fraction * n) go to validation. Returns per-row flags (1 = valid).
std::vector<uint8_t> stratified_split(const TrafficData& data, double valid_fraction, uint64_t seed);

// The rows with flag == keep, in order.
TrafficData subset(const TrafficData& data, const std::vector<uint8_t>& flags, uint8_t keep);

}  // namespace vigil::traffic
