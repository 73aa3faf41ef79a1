#pragma once
// Shared by the loaders: appends parsed rows to a TrafficData, interning categorical values and
// family names.
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/traffic/dataset.hpp"

namespace vigil::traffic::detail {

struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using StringIndex = std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>;

// Parses a whole field as a double (leading/trailing blanks allowed); false otherwise.
bool parse_double(std::string_view text, double& out);
std::string_view trim(std::string_view text);

class DataBuilder {
public:
    DataBuilder(Schema schema, std::vector<std::string> families);

    // `values[i]` is the text of schema field i. kFormat naming the field when a numeric value
    // does not parse (empty numeric values become NaN = missing).
    Status add_row(std::span<const std::string_view> values, bool attack, std::string_view family, size_t line);
    TrafficData take() { return std::move(data_); }

private:
    TrafficData data_;
    std::vector<StringIndex> dictionary_index_;
    StringIndex family_index_;
};

}  // namespace vigil::traffic::detail
