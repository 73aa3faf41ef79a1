// Preprocessor: fit on training data, serialise into metadata.json, encode rows identically at
// training and serving time (both call encode()).
#include "vigil/traffic/preprocess.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <limits>

namespace vigil::traffic {

namespace json = boost::json;

namespace {
constexpr double kLogThreshold = 100.0;  // a non-negative column reaching this is treated as a heavy-tailed count
constexpr std::string_view kOther = "<other>";

std::string_view kind_name(int kind) {
    switch (kind) {
        case 0: return "number";
        case 1: return "log1p";
        case 2: return "categorical";
        default: return "dropped";
    }
}
}  // namespace

Result<Preprocessor> Preprocessor::fit(const TrafficData& data, const PreprocessOptions& options) {
    Preprocessor p;
    p.schema_ = data.schema;
    const size_t nf = data.num_fields();
    p.columns_.resize(nf);
    for (const auto& name : options.drop_fields) {
        const auto idx = data.schema.index_of(name);
        if (!idx) return make_error(ErrorCode::kInvalidArgument, "cannot drop field '" + name + "': not in the data");
        p.columns_[*idx].kind = Column::Kind::kDropped;
    }
    for (size_t f = 0; f < nf; ++f) {
        Column& col = p.columns_[f];
        if (col.kind == Column::Kind::kDropped) continue;
        if (data.schema.fields[f].kind == FieldKind::kCategorical) {
            col.kind = Column::Kind::kCategorical;
            std::vector<size_t> counts(data.dictionary[f].size(), 0);
            for (size_t r = 0; r < data.num_rows; ++r) ++counts[data.codes[r * nf + f]];
            for (size_t id = 0; id < counts.size(); ++id) {
                if (counts[id] >= std::max<size_t>(options.min_count, 1)) col.vocabulary.push_back(data.dictionary[f][id]);
            }
            std::sort(col.vocabulary.begin(), col.vocabulary.end());
        } else {
            double lo = std::numeric_limits<double>::infinity(), hi = -lo;
            for (size_t r = 0; r < data.num_rows; ++r) {
                const double v = data.numbers[r * nf + f];
                if (std::isnan(v)) continue;
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
            col.kind = (lo >= 0 && hi >= kLogThreshold) ? Column::Kind::kLog1p : Column::Kind::kNumber;
        }
    }
    p.build_names();
    // Scaling statistics over the encoded training rows (missing values skipped).
    const size_t nout = p.num_features();
    std::vector<double> sum(nout, 0), sum2(nout, 0);
    std::vector<size_t> cnt(nout, 0);
    std::vector<float> row(nout);
    std::vector<double> numbers(nf);
    std::vector<std::string_view> texts(nf);
    for (size_t r = 0; r < data.num_rows; ++r) {
        for (size_t f = 0; f < nf; ++f) {
            numbers[f] = data.numbers[r * nf + f];
            if (data.schema.fields[f].kind == FieldKind::kCategorical) texts[f] = data.text(r, f);
        }
        p.encode(numbers, texts, row);
        for (size_t j = 0; j < nout; ++j) {
            if (std::isnan(row[j])) continue;
            sum[j] += row[j];
            sum2[j] += static_cast<double>(row[j]) * row[j];
            ++cnt[j];
        }
    }
    p.mean_.assign(nout, 0.0f);
    p.inv_std_.assign(nout, 1.0f);
    for (size_t j = 0; j < nout; ++j) {
        if (cnt[j] == 0) continue;
        const double mean = sum[j] / static_cast<double>(cnt[j]);
        const double var = std::max(0.0, sum2[j] / static_cast<double>(cnt[j]) - mean * mean);
        p.mean_[j] = static_cast<float>(mean);
        p.inv_std_[j] = var > 1e-12 ? static_cast<float>(1.0 / std::sqrt(var)) : 1.0f;
    }
    return p;
}

void Preprocessor::build_names() {
    feature_names_.clear();
    for (size_t f = 0; f < columns_.size(); ++f) {
        Column& col = columns_[f];
        const std::string& name = schema_.fields[f].name;
        col.first_feature = feature_names_.size();
        switch (col.kind) {
            case Column::Kind::kDropped: break;
            case Column::Kind::kNumber: feature_names_.push_back(name); break;
            case Column::Kind::kLog1p: feature_names_.push_back("log_" + name); break;
            case Column::Kind::kCategorical:
                col.index.clear();
                for (size_t i = 0; i < col.vocabulary.size(); ++i) {
                    col.index.emplace(col.vocabulary[i], static_cast<uint32_t>(i));
                    feature_names_.push_back(name + "=" + col.vocabulary[i]);
                }
                feature_names_.push_back(name + "=" + std::string(kOther));
                break;
        }
    }
}

void Preprocessor::encode(std::span<const double> numbers, std::span<const std::string_view> texts,
                          std::span<float> out) const {
    for (size_t f = 0; f < columns_.size(); ++f) {
        const Column& col = columns_[f];
        float* o = out.data() + col.first_feature;
        switch (col.kind) {
            case Column::Kind::kDropped: break;
            case Column::Kind::kNumber: *o = static_cast<float>(numbers[f]); break;
            case Column::Kind::kLog1p: *o = static_cast<float>(std::log1p(std::max(numbers[f], 0.0))); break;
            case Column::Kind::kCategorical: {
                const size_t v = col.vocabulary.size();
                std::fill(o, o + v + 1, 0.0f);
                const auto it = col.index.find(texts[f]);
                o[it == col.index.end() ? v : it->second] = 1.0f;
                break;
            }
        }
    }
}

Status Preprocessor::encode(const Record& record, std::span<float> out) const {
    const size_t nf = schema_.fields.size();
    if (record.values.size() != nf) {
        return make_error(ErrorCode::kInvalidArgument, "record has " + std::to_string(record.values.size()) +
                                                           " values, the model's schema " + std::to_string(nf));
    }
    if (out.size() != num_features()) return make_error(ErrorCode::kInternal, "encode: output has the wrong width");
    // Small fixed scratch on the stack for the usual schemas; a thread-local buffer above that.
    constexpr size_t kStack = 64;
    double numbers_stack[kStack];
    std::string_view texts_stack[kStack];
    thread_local std::vector<double> numbers_heap;
    thread_local std::vector<std::string_view> texts_heap;
    std::span<double> numbers(numbers_stack, std::min(nf, kStack));
    std::span<std::string_view> texts(texts_stack, std::min(nf, kStack));
    if (nf > kStack) {
        numbers_heap.resize(nf);
        texts_heap.resize(nf);
        numbers = numbers_heap;
        texts = texts_heap;
    }
    for (size_t f = 0; f < nf; ++f) {
        const FieldValue& v = record.values[f];
        const Field& field = schema_.fields[f];
        if (columns_[f].kind == Column::Kind::kDropped) {
            numbers[f] = 0;
            continue;
        }
        if (field.kind == FieldKind::kCategorical) {
            if (v.text.empty()) {
                return make_error(ErrorCode::kInvalidArgument, "field '" + field.name + "' needs a non-empty text value");
            }
            texts[f] = v.text;
            numbers[f] = 0;
        } else {
            if (!std::isfinite(v.number)) {
                return make_error(ErrorCode::kInvalidArgument, "field '" + field.name + "' needs a finite number");
            }
            numbers[f] = v.number;
        }
    }
    encode(numbers, texts, out);
    return {};
}

std::vector<float> Preprocessor::encode_all(const TrafficData& data) const {
    const size_t nf = data.num_fields();
    const size_t nout = num_features();
    std::vector<float> out(data.num_rows * nout);
    std::vector<double> numbers(nf);
    std::vector<std::string_view> texts(nf);
    for (size_t r = 0; r < data.num_rows; ++r) {
        for (size_t f = 0; f < nf; ++f) {
            numbers[f] = data.numbers[r * nf + f];
            if (data.schema.fields[f].kind == FieldKind::kCategorical) texts[f] = data.text(r, f);
        }
        encode(numbers, texts, std::span(out).subspan(r * nout, nout));
    }
    return out;
}

void Preprocessor::standardize(std::span<float> row) const {
    for (size_t j = 0; j < row.size() && j < mean_.size(); ++j) {
        row[j] = std::isnan(row[j]) ? 0.0f : (row[j] - mean_[j]) * inv_std_[j];
    }
}

void Preprocessor::standardize_all(std::span<float> rows) const {
    const size_t n = num_features();
    for (size_t off = 0; off + n <= rows.size(); off += n) standardize(rows.subspan(off, n));
}

std::string Preprocessor::to_json() const {
    json::array fields;
    for (size_t f = 0; f < columns_.size(); ++f) {
        json::object o;
        o["name"] = schema_.fields[f].name;
        o["encoding"] = kind_name(static_cast<int>(columns_[f].kind));
        if (columns_[f].kind == Column::Kind::kCategorical) {
            json::array vocab;
            for (const auto& v : columns_[f].vocabulary) vocab.emplace_back(v);
            o["vocabulary"] = std::move(vocab);
        }
        fields.emplace_back(std::move(o));
    }
    json::array mean, inv_std;
    for (float m : mean_) mean.emplace_back(static_cast<double>(m));
    for (float s : inv_std_) inv_std.emplace_back(static_cast<double>(s));
    json::object root;
    root["fields"] = std::move(fields);
    root["mean"] = std::move(mean);
    root["inv_std"] = std::move(inv_std);
    return json::serialize(root);
}

Result<Preprocessor> Preprocessor::from_json(std::string_view text, const Schema& schema) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return make_error(ErrorCode::kFormat, "preprocess: not a JSON object");
    try {
        const json::object& root = v.as_object();
        const json::array& fields = root.at("fields").as_array();
        if (fields.size() != schema.fields.size()) {
            return make_error(ErrorCode::kFormat, "preprocess: " + std::to_string(fields.size()) + " fields, schema has " +
                                                      std::to_string(schema.fields.size()));
        }
        Preprocessor p;
        p.schema_ = schema;
        p.columns_.resize(fields.size());
        for (size_t f = 0; f < fields.size(); ++f) {
            const json::object& o = fields[f].as_object();
            if (o.at("name").as_string() != schema.fields[f].name) {
                return make_error(ErrorCode::kFormat, "preprocess: field " + std::to_string(f) + " is '" +
                                                          std::string(o.at("name").as_string()) + "', schema says '" +
                                                          schema.fields[f].name + "'");
            }
            const std::string_view enc = o.at("encoding").as_string();
            Column& col = p.columns_[f];
            if (enc == "number") col.kind = Column::Kind::kNumber;
            else if (enc == "log1p") col.kind = Column::Kind::kLog1p;
            else if (enc == "dropped") col.kind = Column::Kind::kDropped;
            else if (enc == "categorical") {
                if (schema.fields[f].kind != FieldKind::kCategorical) {
                    return make_error(ErrorCode::kFormat, "preprocess: '" + schema.fields[f].name + "' is not categorical");
                }
                col.kind = Column::Kind::kCategorical;
                for (const auto& item : o.at("vocabulary").as_array()) col.vocabulary.emplace_back(item.as_string());
            } else {
                return make_error(ErrorCode::kFormat, "preprocess: unknown encoding '" + std::string(enc) + "'");
            }
            if (col.kind != Column::Kind::kCategorical && col.kind != Column::Kind::kDropped &&
                schema.fields[f].kind != FieldKind::kNumeric) {
                return make_error(ErrorCode::kFormat, "preprocess: '" + schema.fields[f].name + "' is not numeric");
            }
        }
        p.build_names();
        for (const auto& m : root.at("mean").as_array()) p.mean_.push_back(static_cast<float>(m.to_number<double>()));
        for (const auto& s : root.at("inv_std").as_array()) p.inv_std_.push_back(static_cast<float>(s.to_number<double>()));
        if (p.mean_.size() != p.num_features() || p.inv_std_.size() != p.num_features()) {
            return make_error(ErrorCode::kFormat, "preprocess: scaling has the wrong width");
        }
        return p;
    } catch (const std::exception& e) {
        return make_error(ErrorCode::kFormat, std::string("preprocess: ") + e.what());
    }
}

}  // namespace vigil::traffic
