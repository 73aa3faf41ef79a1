#pragma once
// The learner behind a TrafficModel, on encoded (preprocessed, unscaled) feature rows: P(attack),
// one-vs-rest family probabilities and margin-space contributions. One implementation per
// algorithm: "gb" and "rf" (native Forest engine), "svm" (linear), "nn" (MLP). Every scorer is
// built from the files its trainer wrote, so training and serving share one loading path.
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::traffic {

class Scorer {
public:
    virtual ~Scorer() = default;
    virtual size_t num_features() const = 0;
    virtual size_t num_families() const = 0;  // attack families (normal excluded)
    virtual float attack_probability(std::span<const float> features) const = 0;
    // out has num_families() slots.
    virtual void family_probabilities(std::span<const float> features, std::span<float> out) const = 0;
    // out has num_features() slots: each feature's margin-space contribution towards "attack".
    virtual void contributions(std::span<const float> features, std::span<float> out) const = 0;
    // How contributions are computed, for the docs and metadata ("treeshap", "linear", "gradient*input").
    virtual std::string_view explanation_method() const = 0;
};

// Reads one of the model's files by name (e.g. "binary.json").
using FileReader = std::function<Result<std::string>(std::string_view name)>;

struct ScorerShape {
    size_t num_features = 0;
    size_t num_families = 0;
    // Scaling the linear and MLP scorers apply first (from the Preprocessor): x -> (x - mean) * inv_std.
    std::vector<float> mean, inv_std;
};

// kFormat for an unknown algorithm or files that do not match the shape.
Result<std::unique_ptr<Scorer>> make_scorer(std::string_view algorithm, const FileReader& read, const ScorerShape& shape);

}  // namespace vigil::traffic
