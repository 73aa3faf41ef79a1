// TrafficData helpers: record view, concatenation, the stratified split, subsets.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "data_builder.hpp"
#include "vigil/traffic/dataset.hpp"

namespace vigil::traffic {

Record TrafficData::record(size_t row) const {
    Record r;
    r.values.resize(num_fields());
    for (size_t f = 0; f < num_fields(); ++f) {
        if (schema.fields[f].kind == FieldKind::kCategorical) {
            r.values[f].text = std::string(text(row, f));
        } else {
            r.values[f].number = number(row, f);
        }
    }
    return r;
}

Status TrafficData::append(const TrafficData& other) {
    if (other.schema.fields.size() != schema.fields.size()) {
        return make_error(ErrorCode::kMismatch, "data files have different columns (" +
                                                    std::to_string(schema.fields.size()) + " vs " +
                                                    std::to_string(other.schema.fields.size()) + ")");
    }
    for (size_t f = 0; f < schema.fields.size(); ++f) {
        if (schema.fields[f].name != other.schema.fields[f].name || schema.fields[f].kind != other.schema.fields[f].kind) {
            return make_error(ErrorCode::kMismatch, "data files differ at column " + std::to_string(f + 1) + " ('" +
                                                        schema.fields[f].name + "' vs '" + other.schema.fields[f].name + "')");
        }
    }
    // Re-map the other file's dictionary ids and family ids into ours.
    const size_t n = num_fields();
    std::vector<std::vector<uint32_t>> remap(n);
    for (size_t f = 0; f < n; ++f) {
        detail::StringIndex index;
        for (size_t i = 0; i < dictionary[f].size(); ++i) index.emplace(dictionary[f][i], static_cast<uint32_t>(i));
        for (const auto& value : other.dictionary[f]) {
            auto it = index.find(value);
            if (it == index.end()) {
                it = index.emplace(value, static_cast<uint32_t>(dictionary[f].size())).first;
                dictionary[f].push_back(value);
            }
            remap[f].push_back(it->second);
        }
    }
    std::vector<uint8_t> family_map;
    for (const auto& fam : other.families) {
        auto it = std::find(families.begin(), families.end(), fam);
        if (it == families.end()) {
            families.push_back(fam);
            it = families.end() - 1;
        }
        family_map.push_back(static_cast<uint8_t>(it - families.begin()));
    }
    for (size_t r = 0; r < other.num_rows; ++r) {
        for (size_t f = 0; f < n; ++f) {
            numbers.push_back(other.numbers[r * n + f]);
            codes.push_back(schema.fields[f].kind == FieldKind::kCategorical ? remap[f][other.codes[r * n + f]] : 0);
        }
        labels.push_back(other.labels[r]);
        family.push_back(family_map[other.family[r]]);
    }
    num_rows += other.num_rows;
    return {};
}

std::vector<uint8_t> stratified_split(const TrafficData& data, double valid_fraction, uint64_t seed) {
    std::map<std::pair<uint8_t, uint8_t>, std::vector<size_t>> strata;
    for (size_t i = 0; i < data.num_rows; ++i) strata[{data.family[i], data.labels[i]}].push_back(i);
    std::vector<uint8_t> flags(data.num_rows, 0);
    std::mt19937_64 rng(seed);
    for (auto& [key, rows] : strata) {
        // Fisher-Yates with our own index draw: std::shuffle's result differs between libraries.
        for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng() % i]);
        const auto take = static_cast<size_t>(std::llround(valid_fraction * static_cast<double>(rows.size())));
        for (size_t i = 0; i < take && i < rows.size(); ++i) flags[rows[i]] = 1;
    }
    return flags;
}

TrafficData subset(const TrafficData& data, const std::vector<uint8_t>& flags, uint8_t keep) {
    TrafficData out;
    out.schema = data.schema;
    out.dictionary = data.dictionary;
    out.families = data.families;
    const size_t n = data.num_fields();
    for (size_t r = 0; r < data.num_rows; ++r) {
        if (flags[r] != keep) continue;
        out.numbers.insert(out.numbers.end(), data.numbers.begin() + static_cast<long>(r * n),
                           data.numbers.begin() + static_cast<long>((r + 1) * n));
        out.codes.insert(out.codes.end(), data.codes.begin() + static_cast<long>(r * n),
                         data.codes.begin() + static_cast<long>((r + 1) * n));
        out.labels.push_back(data.labels[r]);
        out.family.push_back(data.family[r]);
        ++out.num_rows;
    }
    return out;
}

}  // namespace vigil::traffic
