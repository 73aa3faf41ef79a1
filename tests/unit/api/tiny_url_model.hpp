#pragma once
// A one-tree URL model for API tests, as XGBoost JSON over the binary's features.
#include <string>

#include "vigil/features/url_features.hpp"

namespace vigil::api::test_support {

// A one-tree model: score sigmoid(3) = 0.95 when feature 0 (URL length) >= 30, else sigmoid(-3) = 0.05.
inline std::string tiny_model_json() {
    const size_t n = features::kNumFeatures;
    return R"({"learner":{"attributes":{},"feature_names":[],"feature_types":[],
      "gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"1"},
        "tree_info":[0],"trees":[{"base_weights":[0,-3,3],"categories":[],"categories_nodes":[],
        "categories_segments":[],"categories_sizes":[],"default_left":[0,0,0],"id":0,
        "left_children":[1,-1,-1],"loss_changes":[1,0,0],"parents":[2147483647,0,0],
        "right_children":[2,-1,-1],"split_conditions":[30,-3,3],"split_indices":[0,0,0],
        "split_type":[0,0,0],"sum_hessian":[10,5,5],
        "tree_param":{"num_deleted":"0","num_feature":")" +
           std::to_string(n) + R"(","num_nodes":"3","size_leaf_vector":"0"}}]},"name":"gbtree"},
      "learner_model_param":{"base_score":"5E-1","boost_from_average":"1","num_class":"0","num_feature":")" +
           std::to_string(n) + R"(","num_target":"1"},"objective":{"name":"binary:logistic",
      "reg_loss_param":{"scale_pos_weight":"1"}}},"version":[1,7,4]})";
}

}  // namespace vigil::api::test_support
