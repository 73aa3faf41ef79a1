#pragma once
// A URL model artifact directory, as written by `vigil train url`:
//   model.json      XGBoost JSON model (binary:logistic)
//   metadata.json   name, version, features_version, feature_names, threshold, parameters, data
//                   files with sha256, metrics on the test split, best iteration, times
//   report/         roc.svg, pr.svg, confusion.svg, summary.md
// Model and features travel together: loading refuses a model whose features_version or feature
// names differ from the binary's feature extractor.
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/ml/forest.hpp"

namespace vigil::ml {

inline constexpr std::string_view kModelFile = "model.json";
inline constexpr std::string_view kMetadataFile = "metadata.json";

struct ModelArtifact {
    Forest forest;
    double threshold = 0.5;  // score >= threshold: phishing
    std::string name;
    std::string version;
    int features_version = 0;
    std::vector<std::string> feature_names;
    std::string metadata_json;  // metadata.json as read, for reporting (e.g. `vigil models`)
};

// Loads `dir` and checks it against the binary's features (features::kFeaturesVersion and
// features::feature_names()). Errors: kNotFound / kIo for missing files, kFormat for bad JSON,
// kMismatch naming what differs.
Result<ModelArtifact> load_artifact(const std::filesystem::path& dir);

// The same check against given features; the first overload uses the binary's.
Result<ModelArtifact> load_artifact(const std::filesystem::path& dir, int expected_features_version,
                                    std::span<const std::string_view> expected_feature_names);

// kMismatch with a message naming the first difference, or success.
Status check_features(int model_version, std::span<const std::string> model_names, int expected_version,
                      std::span<const std::string_view> expected_names);

}  // namespace vigil::ml
