#pragma once
// Native inference engine for XGBoost tree ensembles (binary:logistic, gbtree): the saved JSON
// model is flattened into one contiguous node array so a single-row prediction touches little
// memory. Sums trees in XGBoost's order, so margins match XGBoost's bit for bit in the tests.
// All methods are const and safe to call from many threads on one Forest. A row (or output) of
// the wrong width gives NaN results instead of reading out of bounds.
#include <cstdint>
#include <filesystem>
#include <new>
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
    // NaN means missing (takes the default direction). No allocation (above 256 features, a
    // thread-local buffer is allocated once per thread).
    float predict_margin(std::span<const float> row) const;
    // Sigmoid of the margin.
    float predict_proba(std::span<const float> row) const;
    // Row-major batch: rows.size() == out.size() * num_features().
    void predict_margin_batch(std::span<const float> rows, std::span<float> out) const;
    void predict_proba_batch(std::span<const float> rows, std::span<float> out) const;

    // Exact TreeSHAP (path-dependent, cover-weighted, as XGBoost's pred_contribs). `out` has
    // num_features()+1 entries; the last one is the bias (expected margin). Sum of out ==
    // predict_margin(row). Computed from the Shapley integral
    //   phi_i += v_leaf (o_i - z_i) * integral_0^1 prod_{j != i} (t o_j + (1 - t) z_j) dt
    // with a Gauss-Legendre rule that is exact for the polynomial integrand (Linear TreeSHAP, Yu
    // et al. 2022): O(nodes * depth/2) per tree instead of Algorithm 2's O(leaves * depth^2).
    // Same values as shap_values_path up to float rounding. Thread-local scratch: no allocation
    // once a thread has run it.
    void shap_values(std::span<const float> row, std::span<float> out) const;

    // Exact TreeSHAP by Lundberg et al. 2018, Algorithm 2 (path extend/unwind recursion with
    // cover-weighted zero fractions), the algorithm XGBoost itself uses; the reference the fast
    // version is tested against. Same layout and guarantees as shap_values.
    void shap_values_path(std::span<const float> row, std::span<float> out) const;

    // Cheap path attribution (Saabas): for each split on the decision path, the change in the
    // node's expected value is credited to the split feature. O(depth) per tree. Same layout as
    // shap_values and the same total.
    void path_contributions(std::span<const float> row, std::span<float> out) const;
    // path_contributions plus the margin from the same walk, bit-identical to predict_margin: a
    // verdict that needs only the cheap explanation walks the forest once.
    float path_contributions_and_margin(std::span<const float> row, std::span<float> out) const;

    // predict_margin (and so predict_proba and the batches) runs an AVX2 walk (8 trees per
    // vector, gathers) when the CPU has AVX2, checked once when the model is loaded; otherwise, or
    // after set_avx2_walk(false), the portable scalar walk. Both give bit-identical margins. The
    // attribution walks stay scalar (faster on the target CPU). Not thread-safe against concurrent
    // calls: switch before sharing the Forest (tests, benchmarks).
    bool avx2_walk() const { return avx2_walk_; }
    // Returns whether the AVX2 walk is on afterwards (it stays off on a CPU without AVX2).
    bool set_avx2_walk(bool on);

    // The k features with the largest |contribution| (bias excluded), largest first; ties by
    // feature index. Zero contributions are not reasons.
    static std::vector<FeatureContribution> top_k(std::span<const float> contributions, size_t k);
    // The same into a caller's array, k = out.size(), without allocating: returns how many
    // entries were written (fewer than k when fewer contributions are non-zero).
    static size_t top_k(std::span<const float> contributions, std::span<FeatureContribution> out);

    // 16-byte node: the model as loaded. Trees are stored breadth-first, children adjacent:
    // right child = left + 1. A leaf has left == 0 (no node's child is a tree's first node).
    // Prediction reads an 8-byte packed copy; TreeSHAP a per-tree split/leaf program.
    struct Node {
        float threshold;     // internal: go left when value < threshold; leaf: leaf value (margin)
        uint32_t left;       // absolute index of the left child in nodes_; 0 for a leaf
        uint32_t feature;    // split feature; kMissingRight bit set when NaN goes right
        float cover;         // training hessian sum (TreeSHAP weights)
    };
    static constexpr uint32_t kMissingRight = 0x80000000u;
    static constexpr uint32_t kFeatureMask = 0x7fffffffu;

    // TreeSHAP program: per tree, its splits in breadth-first order and its leaves, with what
    // shap_values needs and nothing else, read sequentially. Indices are tree-local.
    struct ShapSplit {
        uint32_t node;       // this split
        uint32_t left;       // its left child (right = left + 1)
        uint32_t feature;    // split feature | kMissingRight
        float threshold;
        float zero[2];       // cover fraction of the left and right child
        uint32_t prev_edge;  // child edge of the nearest ancestor on the same feature, or kNoEdge
        uint32_t linked;     // 1 when a split below refers to one of this split's child edges
    };
    struct ShapLeaf {
        uint32_t node;
        float value;
    };
    static constexpr uint32_t kNoEdge = 0xffffffffu;

private:
    float tree_margin(uint32_t root, const float* row) const;
    void fill_split_row(const float* x, float* xx) const;  // xx has 2 * num_features() slots
    void pack_for_prediction();
    void build_attribution_walk();  // fills walk_, walk_roots_ and walk_block_depth_ (needs node_mean_)
    float walk_with_attribution(const float* x, float* contrib) const;  // the lock-step Saabas walk
    // predict_margin's walk over packed_ with 8 trees per AVX2 vector (forest_walk_avx2.cpp);
    // needs packed_ and num_features() <= kMaxAvx2PredictFeatures (its split row is on the stack).
    float predict_margin_avx2(const float* x) const;
    static constexpr size_t kMaxAvx2PredictFeatures = 256;
    static bool cpu_has_avx2();
    void build_shap_program();  // fills shap_* and max_tree_nodes_
    void init_shap_tables();    // Gauss-Legendre rule for shap_values (tree_shap.cpp)

    std::vector<Node> nodes_;
    std::vector<float> node_mean_;      // expected value under each node (cover-weighted), per node
    std::vector<ShapSplit> shap_splits_;
    std::vector<ShapLeaf> shap_leaves_;
    std::vector<uint32_t> shap_split_begin_;  // per tree, plus an end sentinel
    std::vector<uint32_t> shap_leaf_begin_;   // per tree, plus an end sentinel
    size_t max_tree_nodes_ = 0;
    std::vector<uint32_t> tree_roots_;  // index of each tree's root in nodes_
    std::vector<uint8_t> tree_depth_;   // depth of each tree (edges on the longest path)
    std::vector<uint8_t> block_depth_;  // max depth of each block of kLanes consecutive trees, tail included
    static constexpr size_t kLanes = 8;  // trees traversed together in predict_margin
    // 8-byte copy of the node array for prediction only (half the cache footprint): value, and
    // bits = left-child offset from this node (16 bits, 0 = leaf) | slot << 16, where slot is the
    // feature, plus num_features when missing goes right (see predict_margin). Empty when a model
    // does not fit (then nodes_ is used).
    struct PackedNode {
        float value;
        uint32_t bits;
    };
    std::vector<PackedNode> packed_;  // plus one padding leaf at the end
    std::vector<uint32_t> packed_roots_;  // tree_roots_ padded to whole blocks with the padding leaf
    // 16-byte node for path attribution: one load per step brings the split, the child offset
    // and the mean change of both edges out of it, so each step touches one cache line (instead
    // of a packed node and a delta in two arrays) and needs nothing carried from the last step.
    // Leaves stay put: offset 0, deltas 0, and slot 2F whose row value is NaN (never >= anything).
    struct WalkNode {
        float value;        // threshold (split) or leaf value
        uint16_t offset;    // left child - this node; 0 for a leaf; one level above the block's
                            // depth: the left child's index in walk_leaves_ from the tree's base
        uint16_t slot;      // row slot as in PackedNode; 2F for a leaf
        float delta[2];     // left and right child's mean minus this node's
    };
    static constexpr size_t kWalkLanes = 8;          // trees walked together in path attribution
    static constexpr size_t kMaxWalkFeatures = 128;  // the walk's row and accumulators live on the stack
    // Cache-line-aligned storage, so the per-tree alignment of walk_ holds in memory.
    template <class T>
    struct LineAlignedAllocator {
        using value_type = T;
        LineAlignedAllocator() = default;
        template <class U>
        LineAlignedAllocator(const LineAlignedAllocator<U>&) {}
        T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64})); }
        void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t{64}); }
        bool operator==(const LineAlignedAllocator&) const = default;
    };
    // Nodes of all trees, each tree from a cache-line boundary (parked leaves fill the gaps),
    // then one parked leaf (value 0) for the lanes past the last tree. Empty when a model does
    // not fit (then the per-tree loop over nodes_ is used).
    std::vector<WalkNode, LineAlignedAllocator<WalkNode>> walk_;
    std::vector<uint32_t> walk_roots_;       // tree roots in walk_, padded to whole blocks with the padding leaf
    std::vector<float> walk_leaves_;         // values of the leaves at their block's full depth, per tree
    std::vector<uint32_t> walk_leaf_base_;   // each tree's first entry in walk_leaves_, padded as walk_roots_
    std::vector<uint8_t> walk_block_depth_;  // max depth of each block of kWalkLanes trees, tail included
    std::vector<std::string> feature_names_;
    size_t num_features_ = 0;
    float base_margin_ = 0.0f;
    float expected_margin_ = 0.0f;      // base margin + sum of root means: the SHAP bias
    int max_depth_ = 0;
    bool avx2_walk_ = false;  // predict_margin runs predict_margin_avx2 (CPU support checked at load)
    // Gauss-Legendre rule on (0, 1) for shap_values_fast, padded to a multiple of 4 nodes:
    // t | 1 - t | -1 / (1 - t) | weight, each block the padded length.
    std::vector<float> gauss_rule_;
};

}  // namespace vigil::ml
