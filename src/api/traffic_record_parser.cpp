#include "vigil/api/traffic_record_parser.hpp"

#include <charconv>
#include <cmath>

namespace vigil::api {
namespace {

std::string quoted(std::string_view name) {
    std::string s = "'";
    // Names come from the caller: keep the message printable and short.
    for (char c : name.substr(0, 64)) s.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    if (name.size() > 64) s += "...";
    s += "'";
    return s;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

bool set_value(const traffic::Field& field, std::string_view text, traffic::FieldValue& out, RecordProblem& problem) {
    if (field.kind == traffic::FieldKind::kCategorical) {
        if (!valid_categorical(text)) {
            problem = {field.name, "field " + quoted(field.name) + " must be 1.." +
                                       std::to_string(TrafficRecordParser::kMaxCategoricalBytes) +
                                       " printable ASCII characters without spaces"};
            return false;
        }
        out.text.assign(text);
        out.number = 0;
        return true;
    }
    text = trim(text);
    double v = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) {
        problem = {field.name, "field " + quoted(field.name) + " must be a finite number"};
        return false;
    }
    out.number = v;
    out.text.clear();
    return true;
}

}  // namespace

bool valid_categorical(std::string_view text) {
    if (text.empty() || text.size() > TrafficRecordParser::kMaxCategoricalBytes) return false;
    for (char c : text) {
        if (c <= 0x20 || c >= 0x7f) return false;
    }
    return true;
}

TrafficRecordParser::TrafficRecordParser(const traffic::Schema& schema) : schema_(schema) {
    index_.reserve(schema.fields.size() * 2);
    for (std::size_t i = 0; i < schema.fields.size(); ++i) index_.emplace(schema.fields[i].name, i);
}

std::optional<std::size_t> TrafficRecordParser::index_of(std::string_view name) const {
    auto it = index_.find(name);
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

bool TrafficRecordParser::from_json(const boost::json::object& object, traffic::Record& out,
                                    RecordProblem& problem) const {
    const auto& fields = schema_.fields;
    out.values.assign(fields.size(), traffic::FieldValue{});
    // Flags rather than a count: a repeated key must not hide a missing one.
    std::vector<char> present(fields.size(), 0);
    for (const auto& kv : object) {
        const std::string_view key(kv.key().data(), kv.key().size());
        auto idx = index_of(key);
        if (!idx) {
            problem = {std::string(key), "unknown field " + quoted(key)};
            return false;
        }
        const traffic::Field& field = fields[*idx];
        const boost::json::value& v = kv.value();
        traffic::FieldValue& slot = out.values[*idx];
        if (field.kind == traffic::FieldKind::kCategorical) {
            if (!v.is_string()) {
                problem = {field.name, "field " + quoted(field.name) + " must be a string"};
                return false;
            }
            const auto& s = v.get_string();
            if (!set_value(field, std::string_view(s.data(), s.size()), slot, problem)) return false;
        } else {
            if (!v.is_number()) {
                problem = {field.name, "field " + quoted(field.name) + " must be a number"};
                return false;
            }
            const double d = v.to_number<double>();
            if (!std::isfinite(d)) {
                problem = {field.name, "field " + quoted(field.name) + " must be a finite number"};
                return false;
            }
            slot.number = d;
        }
        present[*idx] = 1;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (!present[i]) {
            problem = {fields[i].name, "missing required field " + quoted(fields[i].name)};
            return false;
        }
    }
    return true;
}

Result<CsvBinding> TrafficRecordParser::bind_csv_header(const std::vector<std::string>& header) const {
    CsvBinding binding;
    std::vector<bool> bound(schema_.fields.size(), false);
    for (const auto& raw : header) {
        const std::string_view name = trim(raw);
        auto idx = index_of(name);
        if (!idx) return make_error(ErrorCode::kInvalidArgument, "CSV header: unknown column " + quoted(name));
        if (bound[*idx]) return make_error(ErrorCode::kInvalidArgument, "CSV header: column " + quoted(name) +
                                                                            " appears more than once");
        bound[*idx] = true;
        binding.column_to_field.push_back(*idx);
    }
    for (std::size_t i = 0; i < bound.size(); ++i) {
        if (!bound[i]) {
            return make_error(ErrorCode::kInvalidArgument,
                              "CSV header: missing required column " + quoted(schema_.fields[i].name));
        }
    }
    return binding;
}

bool TrafficRecordParser::from_csv(const std::vector<std::string>& row, const CsvBinding& binding,
                                   traffic::Record& out, RecordProblem& problem) const {
    if (row.size() != binding.column_to_field.size()) {
        problem = {"", "row has " + std::to_string(row.size()) + " columns, the header has " +
                           std::to_string(binding.column_to_field.size())};
        return false;
    }
    out.values.assign(schema_.fields.size(), traffic::FieldValue{});
    for (std::size_t c = 0; c < row.size(); ++c) {
        const std::size_t idx = binding.column_to_field[c];
        if (!set_value(schema_.fields[idx], row[c], out.values[idx], problem)) return false;
    }
    return true;
}

}  // namespace vigil::api
