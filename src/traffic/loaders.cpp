// The three labelled-data loaders (NSL-KDD original format, UNSW-NB15 CSV, generic CSV).
#include <algorithm>
#include <cctype>

#include "data_builder.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/traffic/dataset.hpp"

namespace vigil::traffic {

using detail::DataBuilder;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

Status check_family_count(const TrafficData& data) {
    if (data.families.size() > 200) {
        return make_error(ErrorCode::kFormat, "more than 200 distinct label values: is --label-col the label?");
    }
    return {};
}

// Header-first CSV with a label column; shared by UNSW-NB15 and generic CSV. `is_categorical`
// decides each feature column's kind from its name and values.
struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

Result<CsvTable> read_csv_table(const std::filesystem::path& path) {
    auto text = read_file(path);
    if (!text) return text.error();
    std::string_view body = *text;
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);  // UTF-8 BOM (UNSW-NB15 has one)
    CsvReader reader(body);
    CsvTable table;
    if (!reader.next(table.header) || table.header.empty() || (table.header.size() == 1 && table.header[0].empty())) {
        return make_error(ErrorCode::kFormat, path.string() + ": empty file (a header row is required)");
    }
    for (auto& h : table.header) h = std::string(detail::trim(h));
    std::vector<std::string> fields;
    while (reader.next(fields)) {
        if (fields.size() == 1 && detail::trim(fields[0]).empty()) continue;  // blank line
        table.rows.push_back(fields);
    }
    return table;
}

struct LabelValue {
    bool attack = false;
    std::string family;
};

LabelValue interpret_label(std::string_view raw) {
    const std::string_view text = detail::trim(raw);
    double v = 0;
    if (detail::parse_double(text, v)) return v == 0 ? LabelValue{false, std::string(kNormalFamily)} : LabelValue{true, "attack"};
    const std::string l = lower(text);
    if (l == "normal" || l == "benign") return {false, std::string(kNormalFamily)};
    return {true, std::string(text)};
}

Result<TrafficData> table_to_data(const CsvTable& table, const std::filesystem::path& path,
                                  std::string_view label_column, std::string_view family_column,
                                  std::span<const std::string_view> ignored, std::span<const std::string_view> categorical,
                                  const LoadOptions& options, LoadReport* report) {
    const auto label_it = std::find(table.header.begin(), table.header.end(), label_column);
    if (label_it == table.header.end()) {
        return make_error(ErrorCode::kInvalidArgument,
                          path.string() + ": no label column '" + std::string(label_column) + "' in the header");
    }
    const size_t label_col = static_cast<size_t>(label_it - table.header.begin());
    size_t family_col = label_col;
    if (!family_column.empty()) {
        const auto it = std::find(table.header.begin(), table.header.end(), family_column);
        if (it == table.header.end()) {
            return make_error(ErrorCode::kFormat, path.string() + ": no column '" + std::string(family_column) + "'");
        }
        family_col = static_cast<size_t>(it - table.header.begin());
    }
    std::vector<size_t> feature_cols;
    Schema schema;
    for (size_t c = 0; c < table.header.size(); ++c) {
        const std::string& name = table.header[c];
        if (c == label_col || c == family_col || std::find(ignored.begin(), ignored.end(), name) != ignored.end()) continue;
        bool is_categorical = std::find(categorical.begin(), categorical.end(), name) != categorical.end();
        if (categorical.empty()) {  // generic CSV: infer from the values
            for (const auto& row : table.rows) {
                double v = 0;
                if (c < row.size() && !detail::trim(row[c]).empty() && !detail::parse_double(row[c], v)) {
                    is_categorical = true;
                    break;
                }
            }
        }
        feature_cols.push_back(c);
        schema.fields.push_back({name, is_categorical ? FieldKind::kCategorical : FieldKind::kNumeric});
    }
    if (feature_cols.empty()) return make_error(ErrorCode::kFormat, path.string() + ": no feature columns");
    DataBuilder builder(std::move(schema), {});
    std::vector<std::string_view> values(feature_cols.size());
    LoadReport local;
    for (size_t r = 0; r < table.rows.size(); ++r) {
        const auto& row = table.rows[r];
        const size_t line = r + 2;
        if (row.size() != table.header.size()) {
            if (options.skip_unknown_labels) {
                ++local.skipped;
                continue;
            }
            return make_error(ErrorCode::kFormat, path.string() + ": line " + std::to_string(line) + " has " +
                                                      std::to_string(row.size()) + " fields, the header " +
                                                      std::to_string(table.header.size()));
        }
        for (size_t i = 0; i < feature_cols.size(); ++i) values[i] = row[feature_cols[i]];
        LabelValue label = interpret_label(row[label_col]);
        if (family_col != label_col) {
            const LabelValue fam = interpret_label(row[family_col]);
            label.family = label.attack ? (fam.attack ? fam.family : std::string("attack")) : std::string(kNormalFamily);
        }
        if (auto st = builder.add_row(values, label.attack, label.family, line); !st) {
            if (options.skip_unknown_labels) {
                ++local.skipped;
                continue;
            }
            return make_error(st.error().code, path.string() + ": " + st.error().message);
        }
        ++local.rows;
    }
    TrafficData data = builder.take();
    if (auto st = check_family_count(data); !st) return st.error();
    if (report) *report = local;
    return data;
}

}  // namespace

Result<TrafficData> load_nsl_kdd(const std::filesystem::path& path, const LoadOptions& options, LoadReport* report) {
    const Schema& schema = nsl_kdd_schema();
    const size_t n = schema.fields.size();
    std::vector<std::string> families = {std::string(kNormalFamily)};
    for (const auto& f : nsl_kdd_attack_families()) families.push_back(f);
    DataBuilder builder(schema, families);
    std::vector<std::string_view> fields;
    fields.reserve(n + 2);
    LoadReport local;
    Status failure;
    size_t line_no = 0;
    auto lines = for_each_line(path, [&](std::string_view line) {
        ++line_no;
        if (!failure || detail::trim(line).empty()) return;
        fields.clear();
        size_t start = 0;
        while (true) {
            const size_t comma = line.find(',', start);
            fields.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
        auto fail = [&](std::string message) {
            if (options.skip_unknown_labels) {
                ++local.skipped;
            } else {
                failure = make_error(ErrorCode::kFormat, path.string() + ": line " + std::to_string(line_no) + ": " + message);
            }
        };
        // 41 features + attack name [+ difficulty]
        if (fields.size() != n + 1 && fields.size() != n + 2) {
            fail("expected " + std::to_string(n + 2) + " comma-separated fields (41 features, attack name, difficulty), got " +
                 std::to_string(fields.size()));
            return;
        }
        std::string_view attack = detail::trim(fields[n]);
        if (attack.ends_with('.')) attack.remove_suffix(1);  // KDD'99 style "normal."
        const auto family = nsl_kdd_family(attack);
        if (!family) {
            fail("unknown attack name '" + std::string(attack.substr(0, 40)) + "'");
            return;
        }
        if (auto st = builder.add_row(std::span(fields).first(n), *family != kNormalFamily, *family, line_no); !st) {
            fail(st.error().message.substr(st.error().message.find(": ") + 2));
            return;
        }
        ++local.rows;
    });
    if (!lines) return lines.error();
    if (!failure) return failure.error();
    if (report) *report = local;
    return builder.take();
}

Result<TrafficData> load_unsw_nb15(const std::filesystem::path& path, const LoadOptions& options, LoadReport* report) {
    auto table = read_csv_table(path);
    if (!table) return table.error();
    constexpr std::string_view kIgnored[] = {"id"};
    constexpr std::string_view kCategorical[] = {"proto", "service", "state"};
    return table_to_data(*table, path, "label", "attack_cat", kIgnored, kCategorical, options, report);
}

Result<TrafficData> load_traffic_csv(const std::filesystem::path& path, const LoadOptions& options, LoadReport* report) {
    if (options.label_column.empty()) {
        return make_error(ErrorCode::kInvalidArgument, "csv data needs a label column (--label-col NAME)");
    }
    auto table = read_csv_table(path);
    if (!table) return table.error();
    return table_to_data(*table, path, options.label_column, "", {}, {}, options, report);
}

Result<TrafficData> load_traffic_data(const std::filesystem::path& path, DataFormat format, const LoadOptions& options,
                                      LoadReport* report) {
    switch (format) {
        case DataFormat::kNslKdd: return load_nsl_kdd(path, options, report);
        case DataFormat::kUnswNb15: return load_unsw_nb15(path, options, report);
        case DataFormat::kCsv: return load_traffic_csv(path, options, report);
    }
    return make_error(ErrorCode::kInvalidArgument, "unknown data format");
}

}  // namespace vigil::traffic
