// Tree models (gradient boosting "gb", random forest "rf"): one XGBoost JSON model per head
// (binary.json, family-0.json ...), served by the native Forest engine. Explanations of the
// binary head: exact TreeSHAP for gb (shallow trees); path attribution (Saabas, O(depth) per tree)
// for rf, whose 100 depth-12 trees make TreeSHAP cost ~250 µs per record against ~10 µs.
#include <cmath>

#include "scorers.hpp"
#include "vigil/ml/forest.hpp"

namespace vigil::traffic::detail {

namespace {

class ForestScorer final : public Scorer {
public:
    ForestScorer(ml::Forest binary, std::vector<ml::Forest> families, bool exact_shap)
        : binary_(std::move(binary)), families_(std::move(families)), exact_shap_(exact_shap) {}

    size_t num_features() const override { return binary_.num_features(); }
    size_t num_families() const override { return families_.size(); }
    float attack_probability(std::span<const float> x) const override { return binary_.predict_proba(x); }
    void family_probabilities(std::span<const float> x, std::span<float> out) const override {
        for (size_t k = 0; k < families_.size() && k < out.size(); ++k) out[k] = families_[k].predict_proba(x);
    }
    void contributions(std::span<const float> x, std::span<float> out) const override {
        // shap_values writes num_features + 1 values (the bias last); keep the features only.
        thread_local std::vector<float> buffer;
        buffer.resize(binary_.num_features() + 1);
        if (exact_shap_) {
            binary_.shap_values(x, buffer);
        } else {
            binary_.path_contributions(x, buffer);
        }
        std::copy_n(buffer.begin(), std::min(out.size(), binary_.num_features()), out.begin());
    }
    std::string_view explanation_method() const override { return exact_shap_ ? "treeshap" : "path"; }

private:
    ml::Forest binary_;
    std::vector<ml::Forest> families_;
    bool exact_shap_;
};

Result<ml::Forest> load_forest(const FileReader& read, const std::string& name, size_t num_features) {
    auto text = read(name);
    if (!text) return text.error();
    auto forest = ml::Forest::parse_xgboost_json(*text);
    if (!forest) return make_error(forest.error().code, name + ": " + forest.error().message);
    if (forest->num_features() != num_features) {
        return make_error(ErrorCode::kFormat, name + ": model has " + std::to_string(forest->num_features()) +
                                                  " features, the preprocessing " + std::to_string(num_features));
    }
    return forest;
}

}  // namespace

std::string family_model_file(size_t k) { return "family-" + std::to_string(k) + ".json"; }

Result<std::unique_ptr<Scorer>> make_forest_scorer(const FileReader& read, const ScorerShape& shape, bool exact_shap) {
    auto binary = load_forest(read, "binary.json", shape.num_features);
    if (!binary) return binary.error();
    std::vector<ml::Forest> families;
    for (size_t k = 0; k < shape.num_families; ++k) {
        auto f = load_forest(read, family_model_file(k), shape.num_features);
        if (!f) return f.error();
        families.push_back(std::move(*f));
    }
    return std::unique_ptr<Scorer>(std::make_unique<ForestScorer>(std::move(*binary), std::move(families), exact_shap));
}

}  // namespace vigil::traffic::detail
