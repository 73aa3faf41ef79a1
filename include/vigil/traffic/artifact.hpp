#pragma once
// A traffic model artifact directory, as written by `vigil train traffic`:
//   metadata.json   format "vigil-traffic-model" v1: name, version, algorithm (gb|rf|svm|nn),
//                   input schema, preprocess (see preprocess.hpp), attack families, threshold,
//                   validation metrics, the comparison of all trained candidates
//   binary.json, family-<k>.json   (gb, rf) XGBoost JSON models, one per head
//   linear.json                    (svm) weights per head
//   mlp.json                       (nn) layers
//   report/                        report.md, report.html, roc.svg, confusion.svg
// load_traffic_model (traffic_model.hpp) wraps a TrafficArtifact; evaluation and benchmarks use
// the artifact directly to score encoded rows in bulk.
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/traffic/preprocess.hpp"
#include "vigil/traffic/scorer.hpp"
#include "vigil/traffic/traffic_model.hpp"

namespace vigil::traffic {

inline constexpr std::string_view kTrafficFormat = "vigil-traffic-model";
inline constexpr int kTrafficFormatVersion = 1;

struct TrafficPrediction {
    float probability = 0;  // P(attack)
    bool attack = false;
    size_t family = 0;      // 0 = normal, k = families[k - 1]
};

struct TrafficArtifact {
    std::string name, version, algorithm;
    Preprocessor preprocessor;
    std::unique_ptr<Scorer> scorer;
    std::vector<std::string> families;  // attack families, in head order
    double threshold = 0.5;
    std::string metadata_json;

    // Family = the most probable attack family when the binary head says attack, else normal.
    TrafficPrediction predict(std::span<const float> features) const;
    std::string family_name(size_t family) const;  // "normal" for 0
};

// metadata.json and the files it names, through `read` (a directory or files held in memory).
Result<TrafficArtifact> artifact_from_files(const FileReader& read);
// kNotFound when the directory or metadata.json is missing, kFormat for anything malformed.
Result<TrafficArtifact> load_traffic_artifact(const std::filesystem::path& dir);

// The serving wrapper (explanations: top `num_reasons` contributions).
std::unique_ptr<TrafficModel> make_traffic_model(TrafficArtifact artifact, size_t num_reasons = 5);

}  // namespace vigil::traffic
