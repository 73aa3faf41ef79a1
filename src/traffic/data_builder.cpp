#include "data_builder.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace vigil::traffic::detail {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

bool parse_double(std::string_view text, double& out) {
    text = trim(text);
    if (text.empty()) return false;
    if (text.front() == '+') text.remove_prefix(1);
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(out);
}

DataBuilder::DataBuilder(Schema schema, std::vector<std::string> families) {
    data_.schema = std::move(schema);
    data_.dictionary.resize(data_.schema.fields.size());
    dictionary_index_.resize(data_.schema.fields.size());
    if (families.empty() || families.front() != kNormalFamily) families.insert(families.begin(), std::string(kNormalFamily));
    for (size_t i = 0; i < families.size(); ++i) family_index_.emplace(families[i], static_cast<uint32_t>(i));
    data_.families = std::move(families);
}

Status DataBuilder::add_row(std::span<const std::string_view> values, bool attack, std::string_view family,
                            size_t line) {
    const size_t n = data_.schema.fields.size();
    for (size_t i = 0; i < n; ++i) {
        const std::string_view text = trim(values[i]);
        if (data_.schema.fields[i].kind == FieldKind::kCategorical) {
            auto it = dictionary_index_[i].find(text);
            if (it == dictionary_index_[i].end()) {
                it = dictionary_index_[i].emplace(std::string(text), static_cast<uint32_t>(data_.dictionary[i].size())).first;
                data_.dictionary[i].emplace_back(text);
            }
            data_.codes.push_back(it->second);
            data_.numbers.push_back(std::numeric_limits<double>::quiet_NaN());
        } else {
            double v = std::numeric_limits<double>::quiet_NaN();
            if (!text.empty() && !parse_double(text, v)) {
                // Erase the partial row so the data stays rectangular if the caller skips it.
                data_.codes.resize(data_.num_rows * n);
                data_.numbers.resize(data_.num_rows * n);
                return make_error(ErrorCode::kFormat, "line " + std::to_string(line) + ": field '" +
                                                          data_.schema.fields[i].name + "' is not a number: '" +
                                                          std::string(text.substr(0, 40)) + "'");
            }
            data_.numbers.push_back(v);
            data_.codes.push_back(0);
        }
    }
    auto fam = family_index_.find(family);
    if (fam == family_index_.end()) {
        fam = family_index_.emplace(std::string(family), static_cast<uint32_t>(data_.families.size())).first;
        data_.families.emplace_back(family);
    }
    data_.labels.push_back(attack ? 1 : 0);
    data_.family.push_back(static_cast<uint8_t>(fam->second));
    ++data_.num_rows;
    return {};
}

}  // namespace vigil::traffic::detail
