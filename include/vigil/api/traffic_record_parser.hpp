#pragma once
// Turns outside input (a JSON object or a CSV row) into a traffic::Record in a model's input schema.
// Strict: every schema field must be present, no unknown fields, numbers must be finite numbers and
// categorical values short printable ASCII. A problem names the offending field.
#include <boost/json/object.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/traffic/record.hpp"

namespace vigil::api {

struct RecordProblem {
    std::string field;  // empty when the problem is not about one field (e.g. a CSV row's width)
    std::string detail;
};

// Column i of a CSV body feeds schema field column_to_field[i].
struct CsvBinding {
    std::vector<std::size_t> column_to_field;
};

class TrafficRecordParser {
public:
    static constexpr std::size_t kMaxCategoricalBytes = 64;

    explicit TrafficRecordParser(const traffic::Schema& schema);

    const traffic::Schema& schema() const { return schema_; }
    std::optional<std::size_t> index_of(std::string_view name) const;

    // false (and `problem` filled) when the object does not match the schema.
    bool from_json(const boost::json::object& object, traffic::Record& out, RecordProblem& problem) const;

    // The header must name every schema field exactly once and nothing else.
    Result<CsvBinding> bind_csv_header(const std::vector<std::string>& header) const;
    bool from_csv(const std::vector<std::string>& row, const CsvBinding& binding, traffic::Record& out,
                  RecordProblem& problem) const;

private:
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    const traffic::Schema& schema_;
    std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> index_;
};

// Whether `text` is an acceptable categorical value (1..64 bytes of printable ASCII, no spaces).
bool valid_categorical(std::string_view text);

}  // namespace vigil::api
