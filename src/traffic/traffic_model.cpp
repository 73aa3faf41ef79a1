// Artifact loading and the TrafficModel served by the API.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "vigil/core/text_file.hpp"
#include "vigil/traffic/artifact.hpp"

namespace vigil::traffic {

namespace json = boost::json;

TrafficPrediction TrafficArtifact::predict(std::span<const float> features) const {
    TrafficPrediction p;
    p.probability = scorer->attack_probability(features);
    p.attack = p.probability >= threshold;
    if (p.attack && !families.empty()) {
        constexpr size_t kStack = 32;
        float stack[kStack];
        thread_local std::vector<float> heap;
        std::span<float> probs(stack, std::min(families.size(), kStack));
        if (families.size() > kStack) {
            heap.resize(families.size());
            probs = heap;
        }
        scorer->family_probabilities(features, probs);
        p.family = 1 + static_cast<size_t>(std::max_element(probs.begin(), probs.end()) - probs.begin());
    }
    return p;
}

std::string TrafficArtifact::family_name(size_t family) const {
    return family == 0 || family > families.size() ? std::string(kNormalFamily) : families[family - 1];
}

Result<TrafficArtifact> artifact_from_files(const FileReader& read) {
    auto text = read("metadata.json");
    if (!text) return text.error();
    boost::system::error_code ec;
    json::value v = json::parse(*text, ec);
    if (ec || !v.is_object()) return make_error(ErrorCode::kFormat, "metadata.json: not a JSON object");
    TrafficArtifact a;
    a.metadata_json = std::move(*text);
    try {
        const json::object& meta = v.as_object();
        const auto* format = meta.if_contains("format");
        if (!format || !format->is_string() || format->as_string() != kTrafficFormat) {
            return make_error(ErrorCode::kFormat, "metadata.json: not a traffic model (format is not \"" +
                                                      std::string(kTrafficFormat) + "\")");
        }
        if (meta.at("format_version").to_number<int>() != kTrafficFormatVersion) {
            return make_error(ErrorCode::kFormat, "metadata.json: unsupported format_version (this binary reads " +
                                                      std::to_string(kTrafficFormatVersion) + ")");
        }
        a.name = meta.at("name").as_string();
        a.version = meta.at("version").as_string();
        a.algorithm = meta.at("algorithm").as_string();
        a.threshold = meta.at("threshold").to_number<double>();
        Schema schema;
        for (const auto& f : meta.at("schema").as_array()) {
            const std::string_view kind = f.at("kind").as_string();
            if (kind != "numeric" && kind != "categorical") {
                return make_error(ErrorCode::kFormat, "metadata.json: field kind must be numeric or categorical");
            }
            schema.fields.push_back({std::string(f.at("name").as_string()),
                                     kind == "categorical" ? FieldKind::kCategorical : FieldKind::kNumeric});
        }
        for (const auto& f : meta.at("families").as_array()) a.families.emplace_back(f.as_string());
        auto pre = Preprocessor::from_json(json::serialize(meta.at("preprocess")), schema);
        if (!pre) return pre.error();
        a.preprocessor = std::move(*pre);
    } catch (const std::exception& e) {
        return make_error(ErrorCode::kFormat, std::string("metadata.json: ") + e.what());
    }
    if (!std::isfinite(a.threshold)) return make_error(ErrorCode::kFormat, "metadata.json: threshold is not a number");
    ScorerShape shape{a.preprocessor.num_features(), a.families.size(), a.preprocessor.mean(), a.preprocessor.inv_std()};
    auto scorer = make_scorer(a.algorithm, read, shape);
    if (!scorer) return scorer.error();
    a.scorer = std::move(*scorer);
    return a;
}

Result<TrafficArtifact> load_traffic_artifact(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return make_error(ErrorCode::kNotFound, "traffic model directory not found: " + dir.string());
    }
    if (!std::filesystem::exists(dir / "metadata.json", ec)) {
        return make_error(ErrorCode::kNotFound, "no metadata.json in " + dir.string());
    }
    const FileReader reader = [&](std::string_view name) -> Result<std::string> {
        const auto path = dir / std::string(name);
        std::error_code e;
        if (!std::filesystem::exists(path, e)) {
            return make_error(ErrorCode::kNotFound, "model file missing: " + path.string());
        }
        return read_file(path);
    };
    auto a = artifact_from_files(reader);
    if (!a) return make_error(a.error().code, dir.string() + ": " + a.error().message);
    return a;
}

namespace {

class ArtifactTrafficModel final : public TrafficModel {
public:
    ArtifactTrafficModel(TrafficArtifact a, size_t num_reasons) : a_(std::move(a)), num_reasons_(num_reasons) {}

    const Schema& input_schema() const override { return a_.preprocessor.schema(); }
    const std::string& name() const override { return a_.name; }
    const std::string& version() const override { return a_.version; }

    Result<TrafficVerdict> score(const Record& record) const override {
        const size_t nf = a_.preprocessor.num_features();
        thread_local std::vector<float> features, contributions;
        features.resize(nf);
        if (auto st = a_.preprocessor.encode(record, features); !st) return st.error();
        const TrafficPrediction p = a_.predict(features);
        TrafficVerdict v;
        v.attack = p.attack;
        v.probability = p.probability;
        v.family = a_.family_name(p.family);
        v.model_name = a_.name;
        v.model_version = a_.version;
        if (num_reasons_ > 0) {
            contributions.resize(nf);
            a_.scorer->contributions(features, contributions);
            thread_local std::vector<uint32_t> order;
            order.clear();
            for (uint32_t j = 0; j < nf; ++j) {
                if (contributions[j] != 0.0f) order.push_back(j);
            }
            const size_t k = std::min(num_reasons_, order.size());
            std::partial_sort(order.begin(), order.begin() + static_cast<long>(k), order.end(), [&](uint32_t x, uint32_t y) {
                const float fx = std::fabs(contributions[x]), fy = std::fabs(contributions[y]);
                return fx != fy ? fx > fy : x < y;
            });
            v.reasons.reserve(k);
            for (size_t i = 0; i < k; ++i) {
                const uint32_t j = order[i];
                v.reasons.push_back({a_.preprocessor.feature_names()[j], features[j], contributions[j]});
            }
        }
        return v;
    }

private:
    TrafficArtifact a_;
    size_t num_reasons_;
};

}  // namespace

std::unique_ptr<TrafficModel> make_traffic_model(TrafficArtifact artifact, size_t num_reasons) {
    return std::make_unique<ArtifactTrafficModel>(std::move(artifact), num_reasons);
}

Result<std::unique_ptr<TrafficModel>> load_traffic_model(const std::filesystem::path& dir) {
    auto a = load_traffic_artifact(dir);
    if (!a) return a.error();
    return make_traffic_model(std::move(*a));
}

}  // namespace vigil::traffic
