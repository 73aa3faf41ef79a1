#pragma once
// Native inference engine for XGBoost tree ensembles (binary:logistic, gbtree): the saved JSON
// model is flattened into one contiguous node array so a single-row prediction touches little
// memory. Agrees with XGBoost's own prediction to float rounding.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::ml {

class Forest {
public:
    static Result<Forest> load_xgboost_json(const std::filesystem::path& model_json);
    static Result<Forest> parse_xgboost_json(std::string_view json_text);

    size_t num_features() const { return num_features_; }
    size_t num_trees() const { return tree_offsets_.size(); }

    // Raw margin (sum of leaves + base score in margin space). `row` has num_features() values;
    // NaN means missing (takes the default direction).
    float predict_margin(std::span<const float> row) const;
    // Sigmoid of the margin.
    float predict_proba(std::span<const float> row) const;

    // Exact TreeSHAP (Lundberg et al. 2018, Algorithm 2). `out` has num_features()+1 entries; the
    // last one is the bias (expected margin). Sum of out == predict_margin(row).
    void shap_values(std::span<const float> row, std::span<float> out) const;

    // Cheap path attribution (Saabas): for each split on the decision path, the change in the
    // node's expected value is credited to the split feature. O(depth) per tree. Same layout as
    // shap_values and the same total.
    void path_contributions(std::span<const float> row, std::span<float> out) const;

    struct Node {
        float threshold;      // go left when value < threshold
        int32_t left;         // index of left child relative to tree start; -1 for a leaf
        int32_t right;
        int32_t feature;      // split feature; for leaves unused
        float value;          // leaf value (leaves) / expected value (internal), margin space
        float cover;          // training hessian sum
        bool default_left;
    };

private:
    std::vector<Node> nodes_;
    std::vector<uint32_t> tree_offsets_;
    size_t num_features_ = 0;
    float base_margin_ = 0.0f;
    int max_depth_ = 0;
};

}  // namespace vigil::ml
