#include "vigil/ml/artifact.hpp"

#include <boost/json.hpp>

#include "vigil/core/text_file.hpp"
#include "vigil/features/url_features.hpp"

namespace vigil::ml {
namespace {

namespace json = boost::json;

Result<std::string> string_field(const json::object& o, std::string_view key, const std::string& where) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || !v->is_string()) {
        return make_error(ErrorCode::kFormat, where + ": missing string field '" + std::string(key) + "'");
    }
    return std::string(v->get_string());
}

}  // namespace

Status check_features(int model_version, std::span<const std::string> model_names, int expected_version,
                      std::span<const std::string_view> expected_names) {
    if (model_version != expected_version) {
        return make_error(ErrorCode::kMismatch,
                          "model features_version " + std::to_string(model_version) + " differs from this binary's " +
                              std::to_string(expected_version) + "; retrain with scripts/train-bundled-model.sh");
    }
    if (model_names.size() != expected_names.size()) {
        return make_error(ErrorCode::kMismatch, "model has " + std::to_string(model_names.size()) +
                                                    " features, this binary computes " +
                                                    std::to_string(expected_names.size()) + "; retrain the model");
    }
    for (size_t i = 0; i < model_names.size(); ++i) {
        if (model_names[i] != expected_names[i]) {
            return make_error(ErrorCode::kMismatch, "feature " + std::to_string(i) + " is '" + model_names[i] +
                                                        "' in the model but '" + std::string(expected_names[i]) +
                                                        "' in this binary; retrain the model");
        }
    }
    return Status::success();
}

Result<ModelArtifact> load_artifact(const std::filesystem::path& dir, int expected_features_version,
                                    std::span<const std::string_view> expected_feature_names) {
    const auto meta_path = dir / kMetadataFile;
    const auto model_path = dir / kModelFile;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return make_error(ErrorCode::kNotFound, "model directory " + dir.string() + " does not exist");
    }
    if (!std::filesystem::exists(meta_path, ec) || !std::filesystem::exists(model_path, ec)) {
        return make_error(ErrorCode::kNotFound, dir.string() + " is not a model artifact (needs " +
                                                    std::string(kModelFile) + " and " + std::string(kMetadataFile) + ")");
    }
    auto text = read_file(meta_path);
    if (!text) return text.error();
    json::error_code jec;
    json::value root = json::parse(*text, jec);
    const std::string where = meta_path.string();
    if (jec || !root.is_object()) {
        return make_error(ErrorCode::kFormat, where + ": not a JSON object" + (jec ? " (" + jec.message() + ")" : ""));
    }
    const json::object& meta = root.get_object();

    ModelArtifact art;
    art.metadata_json = std::move(*text);
    auto name = string_field(meta, "name", where);
    if (!name) return name.error();
    auto version = string_field(meta, "version", where);
    if (!version) return version.error();
    art.name = std::move(*name);
    art.version = std::move(*version);

    const json::value* fv = meta.if_contains("features_version");
    if (fv == nullptr || !fv->is_int64()) {
        return make_error(ErrorCode::kFormat, where + ": missing integer field 'features_version'");
    }
    art.features_version = static_cast<int>(fv->get_int64());
    const json::value* names = meta.if_contains("feature_names");
    if (names == nullptr || !names->is_array()) {
        return make_error(ErrorCode::kFormat, where + ": missing array field 'feature_names'");
    }
    for (const json::value& n : names->get_array()) {
        if (!n.is_string()) return make_error(ErrorCode::kFormat, where + ": feature_names must be strings");
        art.feature_names.emplace_back(n.get_string());
    }
    const json::value* th = meta.if_contains("threshold");
    if (th == nullptr || !th->is_number()) {
        return make_error(ErrorCode::kFormat, where + ": missing number field 'threshold'");
    }
    // Scores are floats and the threshold is one of them (a validation score). Boost.JSON 1.81
    // parses doubles to within a few ulps only, so snap back to the nearest float: otherwise a
    // score equal to the threshold could fall just below it.
    art.threshold = static_cast<double>(static_cast<float>(th->to_number<double>()));

    Status compat = check_features(art.features_version, art.feature_names, expected_features_version,
                                   expected_feature_names);
    if (!compat) {
        return make_error(ErrorCode::kMismatch,
                          "model " + dir.string() + " does not match this binary: " + compat.error().message);
    }

    auto forest = Forest::load_xgboost_json(model_path);
    if (!forest) return make_error(forest.error().code, model_path.string() + ": " + forest.error().message);
    if (forest->num_features() != art.feature_names.size()) {
        return make_error(ErrorCode::kMismatch, model_path.string() + " uses " +
                                                    std::to_string(forest->num_features()) + " features but " +
                                                    where + " names " + std::to_string(art.feature_names.size()));
    }
    art.forest = std::move(*forest);
    return art;
}

Result<ModelArtifact> load_artifact(const std::filesystem::path& dir) {
    return load_artifact(dir, features::kFeaturesVersion, features::feature_names());
}

}  // namespace vigil::ml
