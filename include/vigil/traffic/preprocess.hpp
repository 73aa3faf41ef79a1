#pragma once
// The feature encoding a traffic model is trained and served with, saved in its metadata.json so
// both sides apply the same function:
//  - categorical field -> one-hot over its training vocabulary (values seen >= min_count times)
//    plus an "<other>" column for anything else, including values first seen at serving time;
//  - numeric field -> the value, or log1p(max(value, 0)) when the training column is a
//    non-negative heavy-tailed count (max >= 100: byte counts, durations, loads);
//  - dropped fields (e.g. content features a packet capture cannot see) produce no column;
//  - standardisation (x - mean) / std per output column, used by the SVM and the MLP only
//    (trees are invariant to it).
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/traffic/dataset.hpp"
#include "vigil/traffic/record.hpp"

namespace vigil::traffic {

struct PreprocessOptions {
    size_t min_count = 5;                  // vocabulary: categories seen at least this often
    std::vector<std::string> drop_fields;  // by name
};

class Preprocessor {
public:
    // Learns vocabularies, log transforms and scaling from training data. kInvalidArgument when a
    // dropped field is not in the schema.
    static Result<Preprocessor> fit(const TrafficData& data, const PreprocessOptions& options);
    // From the "preprocess" object of metadata.json against the model's input schema.
    static Result<Preprocessor> from_json(std::string_view json, const Schema& schema);
    std::string to_json() const;

    const Schema& schema() const { return schema_; }
    size_t num_features() const { return feature_names_.size(); }
    const std::vector<std::string>& feature_names() const { return feature_names_; }
    const std::vector<float>& mean() const { return mean_; }
    const std::vector<float>& inv_std() const { return inv_std_; }

    // Encodes one row: out has num_features() slots. `numbers` and `texts` are indexed by schema
    // field (texts used for categorical fields, numbers for numeric ones). No allocation.
    void encode(std::span<const double> numbers, std::span<const std::string_view> texts, std::span<float> out) const;
    // A served record; kInvalidArgument naming the field when it has the wrong shape
    // (value count, non-finite number, empty category).
    Status encode(const Record& record, std::span<float> out) const;
    // Row-major matrix of all rows (num_rows * num_features()).
    std::vector<float> encode_all(const TrafficData& data) const;
    // In place: (x - mean) / std per column, for the scaled learners.
    void standardize(std::span<float> row) const;
    void standardize_all(std::span<float> rows) const;

private:
    struct TransparentHash {  // lets find() take a string_view without building a std::string
        using is_transparent = void;
        size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    struct Column {
        enum class Kind : uint8_t { kNumber, kLog1p, kCategorical, kDropped } kind = Kind::kNumber;
        size_t first_feature = 0;  // output column (categorical: first one-hot column; other = last)
        std::vector<std::string> vocabulary;
        std::unordered_map<std::string, uint32_t, TransparentHash, std::equal_to<>> index;  // value -> position
    };
    void build_names();

    Schema schema_;
    std::vector<Column> columns_;  // per schema field
    std::vector<std::string> feature_names_;
    std::vector<float> mean_, inv_std_;
};

}  // namespace vigil::traffic
