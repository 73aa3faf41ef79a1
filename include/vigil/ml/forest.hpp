#pragma once
// Native inference engine for XGBoost tree ensembles (binary:logistic, gbtree): the saved JSON
// model is flattened into one contiguous node array so a single-row prediction touches little
// memory. Agrees with XGBoost's own prediction to float rounding.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::ml {

struct FeatureContribution {
    uint32_t feature = 0;
    float value = 0.0f;
};

class Forest {
public:
    static Result<Forest> load_xgboost_json(const std::filesystem::path& model_json);
    static Result<Forest> parse_xgboost_json(std::string_view json_text);

    size_t num_features() const { return num_features_; }
    size_t num_trees() const { return tree_roots_.size(); }
    size_t num_nodes() const { return nodes_.size(); }
    int max_depth() const { return max_depth_; }
    float base_margin() const { return base_margin_; }
    // Feature names stored in the model ("feature_names"); empty when the model has none.
    const std::vector<std::string>& feature_names() const { return feature_names_; }

    // Raw margin (sum of leaves + base score in margin space). `row` has num_features() values;
    // NaN means missing (takes the default direction). No allocation.
    float predict_margin(std::span<const float> row) const;
    // Sigmoid of the margin.
    float predict_proba(std::span<const float> row) const;
    // Row-major batch: rows.size() == out.size() * num_features().
    void predict_margin_batch(std::span<const float> rows, std::span<float> out) const;
    void predict_proba_batch(std::span<const float> rows, std::span<float> out) const;

    // Exact TreeSHAP (Lundberg et al. 2018, Algorithm 2). `out` has num_features()+1 entries; the
    // last one is the bias (expected margin). Sum of out == predict_margin(row). Uses a
    // thread_local scratch buffer: no allocation once a thread has run it.
    void shap_values(std::span<const float> row, std::span<float> out) const;

    // Exact TreeSHAP by Gauss-Legendre quadrature of the Shapley integral (Linear TreeSHAP, Yu et
    // al. 2022): O(nodes * depth/2) per tree instead of O(leaves * depth^2); same values as
    // shap_values up to float rounding. Same layout; no allocation after the first call per thread.
    void shap_values_fast(std::span<const float> row, std::span<float> out) const;

    // Cheap path attribution (Saabas): for each split on the decision path, the change in the
    // node's expected value is credited to the split feature. O(depth) per tree. Same layout as
    // shap_values and the same total.
    void path_contributions(std::span<const float> row, std::span<float> out) const;

    // The k features with the largest |contribution| (bias excluded), largest first.
    static std::vector<FeatureContribution> top_k(std::span<const float> contributions, size_t k);

    // 16-byte node, the hot-path layout. Trees are stored breadth-first, children adjacent:
    // right child = left + 1. A leaf has left == 0 (no node's child is a tree's first node).
    struct Node {
        float threshold;     // internal: go left when value < threshold; leaf: leaf value (margin)
        uint32_t left;       // absolute index of the left child in nodes_; 0 for a leaf
        uint32_t feature;    // split feature; kMissingRight bit set when NaN goes right
        float cover;         // training hessian sum (TreeSHAP weights)
    };
    static constexpr uint32_t kMissingRight = 0x80000000u;
    static constexpr uint32_t kFeatureMask = 0x7fffffffu;

private:
    float tree_margin(uint32_t root, const float* row) const;
    void init_shap_tables();  // Gauss-Legendre rule for shap_values_fast (tree_shap.cpp)

    std::vector<Node> nodes_;
    std::vector<float> node_mean_;      // expected value under each node (cover-weighted), per node
    std::vector<uint32_t> tree_roots_;  // index of each tree's root in nodes_
    std::vector<uint8_t> tree_depth_;   // depth of each tree (edges on the longest path)
    std::vector<uint8_t> block_depth_;  // max depth of each block of kLanes consecutive trees
    static constexpr size_t kLanes = 8;  // trees traversed together in predict_margin
    std::vector<std::string> feature_names_;
    size_t num_features_ = 0;
    float base_margin_ = 0.0f;
    float expected_margin_ = 0.0f;      // base margin + sum of root means: the SHAP bias
    int max_depth_ = 0;
    // Gauss-Legendre rule on (0, 1) for shap_values_fast, padded to a multiple of 4 nodes:
    // t | 1 - t | -1 / (1 - t) | weight, each block the padded length.
    std::vector<float> gauss_rule_;
};

}  // namespace vigil::ml
