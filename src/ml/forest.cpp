// XGBoost JSON model -> flat node array, and the prediction / Saabas paths over it.
// TreeSHAP lives in tree_shap.cpp.
#include "vigil/ml/forest.hpp"

#include <algorithm>
#include <bit>
#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <type_traits>

namespace vigil::ml {
namespace json = boost::json;

namespace {

constexpr size_t kMaxNodesPerTree = 1u << 24;  // far above any sane model; guards index arithmetic
constexpr int kMaxDepth = 64;                   // TreeSHAP scratch and traversal assume a bounded depth

Error format_error(const std::string& what) { return make_error(ErrorCode::kFormat, "xgboost model: " + what); }

const json::value* find(const json::value& v, std::initializer_list<std::string_view> path) {
    const json::value* cur = &v;
    for (std::string_view key : path) {
        const json::object* o = cur->if_object();
        if (!o) return nullptr;
        auto it = o->find(key);
        if (it == o->end()) return nullptr;
        cur = &it->value();
    }
    return cur;
}

// XGBoost stores scalar parameters as strings ("5E-1") and arrays as numbers.
bool to_double(const json::value& v, double& out) {
    if (v.is_double()) out = v.get_double();
    else if (v.is_int64()) out = static_cast<double>(v.get_int64());
    else if (v.is_uint64()) out = static_cast<double>(v.get_uint64());
    else if (v.is_bool()) out = v.get_bool() ? 1.0 : 0.0;
    else if (v.is_string()) {
        const std::string s(v.get_string());
        char* end = nullptr;
        out = std::strtod(s.c_str(), &end);
        return !s.empty() && end == s.c_str() + s.size();
    } else return false;
    return true;
}

bool param_double(const json::value& root, std::initializer_list<std::string_view> path, double& out) {
    const json::value* v = find(root, path);
    return v && to_double(*v, out);
}

std::string param_string(const json::value& root, std::initializer_list<std::string_view> path) {
    const json::value* v = find(root, path);
    if (!v) return {};
    if (const json::string* s = v->if_string()) return std::string(*s);
    return {};
}

template <class T>
Result<std::vector<T>> number_array(const json::object& tree, std::string_view key, size_t expected) {
    auto it = tree.find(key);
    if (it == tree.end() || !it->value().is_array()) return format_error("tree lacks array '" + std::string(key) + "'");
    const json::array& a = it->value().get_array();
    if (a.size() != expected) return format_error("tree array '" + std::string(key) + "' has the wrong length");
    std::vector<T> out;
    out.reserve(a.size());
    for (const json::value& v : a) {
        double d = 0;
        if (!to_double(v, d)) return format_error("tree array '" + std::string(key) + "' holds a non-number");
        // Range-check before converting: an out-of-range conversion is undefined behaviour.
        if constexpr (std::is_integral_v<T>) {
            if (!(d >= -2147483648.0 && d <= 2147483647.0) || d != std::floor(d))
                return format_error("tree array '" + std::string(key) + "' holds a non-integer or huge index");
        } else {
            if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max())
                return format_error("tree array '" + std::string(key) + "' holds a value outside float range");
        }
        out.push_back(static_cast<T>(d));
    }
    return out;
}

}  // namespace

Result<Forest> Forest::load_xgboost_json(const std::filesystem::path& model_json) {
    std::ifstream in(model_json, std::ios::binary);
    if (!in) return make_error(ErrorCode::kIo, "cannot open model " + model_json.string());
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return make_error(ErrorCode::kIo, "cannot read model " + model_json.string());
    return parse_xgboost_json(ss.str());
}

Result<Forest> Forest::parse_xgboost_json(std::string_view json_text) {
    boost::system::error_code ec;
    json::value root = json::parse(json_text, ec);
    if (ec) return format_error("not valid JSON: " + ec.message());

    const json::value* learner = find(root, {"learner"});
    if (!learner || !learner->is_object()) return format_error("no 'learner' object (is this an XGBoost JSON model?)");

    const std::string objective = param_string(*learner, {"objective", "name"});
    if (objective != "binary:logistic")
        return format_error("unsupported objective '" + objective + "' (only binary:logistic)");
    const std::string booster = param_string(*learner, {"gradient_booster", "name"});
    if (booster != "gbtree") return format_error("unsupported booster '" + booster + "' (only gbtree; not dart/gblinear)");

    double num_class = 0, num_target = 1, num_feature = 0, base_score = 0.5;
    param_double(*learner, {"learner_model_param", "num_class"}, num_class);
    param_double(*learner, {"learner_model_param", "num_target"}, num_target);
    if (num_class > 1 || num_target > 1) return format_error("multi-class / multi-target models are not supported");
    if (!param_double(*learner, {"learner_model_param", "num_feature"}, num_feature) || num_feature < 1 ||
        num_feature > static_cast<double>(kFeatureMask))
        return format_error("missing or invalid learner_model_param.num_feature");
    if (!param_double(*learner, {"learner_model_param", "base_score"}, base_score) || !(base_score > 0.0) ||
        !(base_score < 1.0))
        return format_error("base_score must be a probability in (0, 1) for binary:logistic");

    Forest f;
    f.num_features_ = static_cast<size_t>(num_feature);
    // XGBoost keeps base_score in probability space and converts it in float, as here.
    const float bs = static_cast<float>(base_score);
    f.base_margin_ = -std::log(1.0f / bs - 1.0f);

    if (const json::value* names = find(*learner, {"feature_names"}); names && names->is_array()) {
        for (const json::value& n : names->get_array())
            if (const json::string* s = n.if_string()) f.feature_names_.emplace_back(*s);
        if (!f.feature_names_.empty() && f.feature_names_.size() != f.num_features_)
            return format_error("feature_names length differs from num_feature");
    }

    const json::value* trees_v = find(*learner, {"gradient_booster", "model", "trees"});
    if (!trees_v || !trees_v->is_array()) return format_error("no gradient_booster.model.trees array");
    const json::array& trees = trees_v->get_array();
    if (const json::value* info = find(*learner, {"gradient_booster", "model", "tree_info"}); info && info->is_array())
        for (const json::value& g : info->get_array())
            if (double d = 0; to_double(g, d) && d != 0) return format_error("tree_info has a non-zero group (multi-class)");

    std::vector<int32_t> queue;
    std::vector<uint8_t> depth_of;
    std::vector<uint8_t> seen;
    float expected = f.base_margin_;
    for (size_t t = 0; t < trees.size(); ++t) {
        const json::object* tree = trees[t].if_object();
        if (!tree) return format_error("tree " + std::to_string(t) + " is not an object");
        const std::string where = "tree " + std::to_string(t) + ": ";
        auto lc_it = tree->find("left_children");
        if (lc_it == tree->end() || !lc_it->value().is_array()) return format_error(where + "no left_children");
        const size_t n = lc_it->value().get_array().size();
        if (n == 0 || n > kMaxNodesPerTree) return format_error(where + "bad node count");

        auto left = number_array<int64_t>(*tree, "left_children", n);
        auto right = number_array<int64_t>(*tree, "right_children", n);
        auto split_idx = number_array<int64_t>(*tree, "split_indices", n);
        auto cond = number_array<double>(*tree, "split_conditions", n);
        auto dleft = number_array<int>(*tree, "default_left", n);
        auto hess = number_array<double>(*tree, "sum_hessian", n);
        for (auto* r : {&left, &right, &split_idx}) if (!*r) return r->error();
        for (auto* r : {&cond, &hess}) if (!*r) return r->error();
        if (!dleft) return dleft.error();
        if (auto st = tree->find("split_type"); st != tree->end() && st->value().is_array())
            for (const json::value& v : st->value().get_array())
                if (double d = 0; to_double(v, d) && d != 0) return format_error(where + "categorical splits are not supported");
        if (auto cs = tree->find("categories"); cs != tree->end() && cs->value().is_array() && !cs->value().get_array().empty())
            return format_error(where + "categorical splits are not supported");

        // Breadth-first relayout: children of a node are appended as an adjacent pair.
        const uint32_t base = static_cast<uint32_t>(f.nodes_.size());
        if (f.nodes_.size() + n > std::numeric_limits<uint32_t>::max() / 2) return format_error("model too large");
        queue.assign(1, 0);
        depth_of.assign(1, 0);
        seen.assign(n, 0);
        seen[0] = 1;
        int tree_depth = 0;
        for (size_t q = 0; q < queue.size(); ++q) {
            const int32_t old = queue[q];
            const int64_t l = (*left)[old], r = (*right)[old];
            Node node{};
            node.cover = static_cast<float>((*hess)[old]);
            if (!std::isfinite(node.cover) || node.cover < 0.0f) return format_error(where + "invalid sum_hessian");
            node.threshold = static_cast<float>((*cond)[old]);
            if (l == -1) {
                if (r != -1) return format_error(where + "leaf with one child");
                node.left = 0;
                node.feature = 0;
            } else {
                if (l < 0 || r < 0 || l >= static_cast<int64_t>(n) || r >= static_cast<int64_t>(n) || seen[l] || seen[r] || l == r)
                    return format_error(where + "invalid child indices (out of range or not a tree)");
                const int64_t feat = (*split_idx)[old];
                if (feat < 0 || static_cast<size_t>(feat) >= f.num_features_)
                    return format_error(where + "split feature out of range");
                if (depth_of[q] + 1 > kMaxDepth) return format_error(where + "deeper than 64 levels");
                if (std::isnan(node.threshold)) return format_error(where + "NaN split threshold");
                seen[l] = seen[r] = 1;
                node.left = base + static_cast<uint32_t>(queue.size());
                node.feature = static_cast<uint32_t>(feat) | ((*dleft)[old] ? 0u : kMissingRight);
                queue.push_back(static_cast<int32_t>(l));
                queue.push_back(static_cast<int32_t>(r));
                depth_of.push_back(depth_of[q] + 1);
                depth_of.push_back(depth_of[q] + 1);
                tree_depth = std::max(tree_depth, depth_of[q] + 1);
            }
            if (node.left == 0 && !std::isfinite(node.threshold)) return format_error(where + "non-finite leaf value");
            f.nodes_.push_back(node);
        }
        // Expected value under each node, bottom-up (reverse BFS), in float as XGBoost does.
        f.node_mean_.resize(f.nodes_.size());
        for (size_t q = queue.size(); q-- > 0;) {
            const uint32_t i = base + static_cast<uint32_t>(q);
            const Node& nd = f.nodes_[i];
            if (nd.left == 0) {
                f.node_mean_[i] = nd.threshold;
            } else {
                const Node& a = f.nodes_[nd.left];
                const Node& b = f.nodes_[nd.left + 1];
                float m = f.node_mean_[nd.left] * a.cover + f.node_mean_[nd.left + 1] * b.cover;
                f.node_mean_[i] = nd.cover > 0.0f ? m / nd.cover : 0.0f;
            }
        }
        expected += f.node_mean_[base];
        f.tree_roots_.push_back(base);
        f.tree_depth_.push_back(static_cast<uint8_t>(tree_depth));
        f.max_depth_ = std::max(f.max_depth_, tree_depth);
    }
    f.expected_margin_ = expected;
    f.pack_for_prediction();
    f.build_shap_program();
    f.build_attribution_walk();
    // Whole blocks, then the tail's block (only the AVX2 walk, which pads it, walks the tail as a block).
    for (size_t t = 0; t < f.tree_depth_.size(); t += kLanes)
        f.block_depth_.push_back(*std::max_element(
            f.tree_depth_.begin() + static_cast<std::ptrdiff_t>(t),
            f.tree_depth_.begin() + static_cast<std::ptrdiff_t>(std::min(t + kLanes, f.tree_depth_.size()))));
    if (!f.packed_.empty()) {
        // The AVX2 walk's roots: whole blocks, the lanes past the last tree on a padding leaf.
        f.packed_.push_back({0.0f, 0u});
        f.packed_roots_ = f.tree_roots_;
        f.packed_roots_.resize((f.tree_roots_.size() + kLanes - 1) / kLanes * kLanes,
                               static_cast<uint32_t>(f.packed_.size() - 1));
    }
    f.init_shap_tables();
    f.set_avx2_walk(true);
    return f;
}

inline float Forest::tree_margin(uint32_t root, const float* row) const {
    const Node* nodes = nodes_.data();
    const Node* n = nodes + root;
    while (n->left != 0) {
        const float x = row[n->feature & kFeatureMask];
        // NaN fails both comparisons, so it goes right only when the node says so.
        const uint32_t go_right = static_cast<uint32_t>(x >= n->threshold) | ((x != x) & (n->feature >> 31));
        n = nodes + n->left + go_right;
    }
    return n->threshold;
}

void Forest::build_shap_program() {
    shap_splits_.clear();
    shap_leaves_.clear();
    shap_split_begin_.clear();
    shap_leaf_begin_.clear();
    std::vector<uint32_t> parent(nodes_.size(), 0);
    std::vector<uint8_t> referenced;
    for (size_t k = 0; k < tree_roots_.size(); ++k) {
        const uint32_t root = tree_roots_[k];
        const uint32_t end = k + 1 < tree_roots_.size() ? tree_roots_[k + 1] : static_cast<uint32_t>(nodes_.size());
        max_tree_nodes_ = std::max<size_t>(max_tree_nodes_, end - root);
        shap_split_begin_.push_back(static_cast<uint32_t>(shap_splits_.size()));
        shap_leaf_begin_.push_back(static_cast<uint32_t>(shap_leaves_.size()));
        for (uint32_t i = root; i < end; ++i) {
            const Node& n = nodes_[i];
            if (n.left == 0) {
                shap_leaves_.push_back({i - root, n.threshold});
                continue;
            }
            parent[n.left] = parent[n.left + 1] = i;
            ShapSplit s{};
            s.node = i - root;
            s.left = n.left - root;
            s.feature = n.feature;
            s.threshold = n.threshold;
            // A zero-cover split has no data to weigh its sides by: split evenly.
            s.zero[0] = n.cover > 0.0f ? nodes_[n.left].cover / n.cover : 0.5f;
            s.zero[1] = n.cover > 0.0f ? nodes_[n.left + 1].cover / n.cover : 0.5f;
            s.prev_edge = kNoEdge;
            const uint32_t feature = n.feature & kFeatureMask;
            for (uint32_t cur = i; cur != root;) {  // ancestors come first in breadth-first order
                const uint32_t p = parent[cur];
                if ((nodes_[p].feature & kFeatureMask) == feature) {
                    s.prev_edge = cur - root;
                    break;
                }
                cur = p;
            }
            shap_splits_.push_back(s);
        }
        // Mark the splits whose child edges some split below refers to (their fractions are kept).
        const size_t first = shap_split_begin_.back();
        referenced.assign(end - root, 0);
        for (size_t a = first; a < shap_splits_.size(); ++a)
            if (shap_splits_[a].prev_edge != kNoEdge) referenced[shap_splits_[a].prev_edge] = 1;
        for (size_t b = first; b < shap_splits_.size(); ++b)
            shap_splits_[b].linked = referenced[shap_splits_[b].left] | referenced[shap_splits_[b].left + 1];
    }
    shap_split_begin_.push_back(static_cast<uint32_t>(shap_splits_.size()));
    shap_leaf_begin_.push_back(static_cast<uint32_t>(shap_leaves_.size()));
}

void Forest::pack_for_prediction() {
    packed_.clear();
    if (num_features_ > 0x8000) return;  // a slot (below) must fit in 16 bits
    packed_.reserve(nodes_.size());
    for (size_t i = 0; i < nodes_.size(); ++i) {
        const Node& n = nodes_[i];
        if (n.left == 0) {
            packed_.push_back({n.threshold, 0u});
            continue;
        }
        const size_t offset = n.left - i;  // breadth-first: children come after their parent
        // The NaN substitution in predict_margin needs finite thresholds.
        if (offset == 0 || offset > 0xffff || !std::isfinite(n.threshold)) {
            packed_.clear();
            return;
        }
        const uint32_t slot = (n.feature & kFeatureMask) + ((n.feature & kMissingRight) ? num_features_ : 0);
        packed_.push_back({n.threshold, static_cast<uint32_t>(offset) | (slot << 16)});
    }
}

// The row twice: slots [0, F) with NaN -> -inf (missing goes left: -inf >= t is false) and
// [F, 2F) with NaN -> +inf (missing goes right). Each packed split reads the slot matching its
// default direction, so the inner loops need one comparison and no NaN test.
void Forest::fill_split_row(const float* x, float* xx) const {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    for (size_t f = 0; f < num_features_; ++f) {
        const float v = x[f];
        const bool missing = v != v;
        xx[f] = missing ? -kInf : v;
        xx[num_features_ + f] = missing ? kInf : v;
    }
}

bool Forest::set_avx2_walk(bool on) {
    avx2_walk_ = on && cpu_has_avx2();
    return avx2_walk_;
}

float Forest::predict_margin(std::span<const float> row) const {
    if (row.size() != num_features_) return std::numeric_limits<float>::quiet_NaN();
    const float* x = row.data();
    if (avx2_walk_ && !packed_.empty() && num_features_ <= kMaxAvx2PredictFeatures) return predict_margin_avx2(x);
    const uint32_t* roots = tree_roots_.data();
    const size_t num_trees = tree_roots_.size();
    // Accumulate in float, tree by tree, starting from the base margin: XGBoost's order.
    float margin = base_margin_;
    if (packed_.empty()) {
        for (size_t t = 0; t < num_trees; ++t) margin += tree_margin(roots[t], x);
        return margin;
    }
    constexpr size_t kStackFeatures = 256;
    float stack_row[2 * kStackFeatures];
    thread_local std::vector<float> heap_row;
    float* xx = stack_row;
    if (num_features_ > kStackFeatures) {
        if (heap_row.size() < 2 * num_features_) heap_row.resize(2 * num_features_);
        xx = heap_row.data();
    }
    fill_split_row(x, xx);
    // kLanes trees walk in lock-step for a fixed number of levels (the block's depth), so their
    // dependent load chains overlap and there is no data-dependent loop exit to mispredict; a
    // lane that reached its leaf stays there (conditional move).
    const PackedNode* nodes = packed_.data();
    size_t t = 0;
    for (size_t block = 0; t + kLanes <= num_trees; t += kLanes, ++block) {
        uint32_t idx[kLanes];
#pragma GCC unroll 8
        for (size_t l = 0; l < kLanes; ++l) idx[l] = roots[t + l];
        for (int d = block_depth_[block]; d > 0; --d) {
#pragma GCC unroll 8
            for (size_t l = 0; l < kLanes; ++l) {
                const PackedNode n = nodes[idx[l]];
                const uint32_t go_right = xx[n.bits >> 16] >= n.value;
                const uint32_t offset = n.bits & 0xffffu;
                idx[l] += offset != 0 ? offset + go_right : 0u;
            }
        }
#pragma GCC unroll 8
        for (size_t l = 0; l < kLanes; ++l) margin += nodes[idx[l]].value;
    }
    for (; t < num_trees; ++t) margin += tree_margin(roots[t], x);
    return margin;
}

namespace {
inline float sigmoid(float x) {
    // As XGBoost's common::Sigmoid: clamp so expf cannot overflow.
    const float e = std::exp(std::min(-x, 88.7f));
    return 1.0f / (1.0f + e);
}
}  // namespace

float Forest::predict_proba(std::span<const float> row) const { return sigmoid(predict_margin(row)); }

void Forest::predict_margin_batch(std::span<const float> rows, std::span<float> out) const {
    if (rows.size() != out.size() * num_features_) {
        std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
        return;
    }
    for (size_t i = 0; i < out.size(); ++i) out[i] = predict_margin(rows.subspan(i * num_features_, num_features_));
}

void Forest::predict_proba_batch(std::span<const float> rows, std::span<float> out) const {
    predict_margin_batch(rows, out);
    for (float& v : out) v = sigmoid(v);
}

void Forest::path_contributions(std::span<const float> row, std::span<float> out) const {
    (void)path_contributions_and_margin(row, out);
}

void Forest::build_attribution_walk() {
    walk_.clear();
    walk_roots_.clear();
    walk_leaves_.clear();
    walk_leaf_base_.clear();
    walk_block_depth_.clear();
    const size_t f = num_features_;
    if (f > kMaxWalkFeatures) return;
    const size_t num_trees = tree_roots_.size();
    for (size_t t = 0; t < num_trees; t += kWalkLanes) {
        const size_t end = std::min(t + kWalkLanes, num_trees);
        walk_block_depth_.push_back(*std::max_element(tree_depth_.begin() + static_cast<std::ptrdiff_t>(t),
                                                      tree_depth_.begin() + static_cast<std::ptrdiff_t>(end)));
    }
    const uint16_t leaf_slot = static_cast<uint16_t>(2 * f);
    const WalkNode parked{0.0f, 0, leaf_slot, {0.0f, 0.0f}};
    // Each tree starts on a cache line (the array is line-aligned): its root, both children and
    // a grandchild then share one line, which every row reads. Padding costs ~2 nodes a tree.
    constexpr size_t kNodesPerLine = 64 / sizeof(WalkNode);
    walk_.reserve(nodes_.size() + num_trees * (kNodesPerLine - 1) + 1);
    std::vector<uint8_t> depth;
    for (size_t t = 0; t < num_trees; ++t) {
        while (walk_.size() % kNodesPerLine != 0) walk_.push_back(parked);
        walk_roots_.push_back(static_cast<uint32_t>(walk_.size()));
        walk_leaf_base_.push_back(static_cast<uint32_t>(walk_leaves_.size()));
        const size_t root = tree_roots_[t];
        const size_t end = t + 1 < num_trees ? tree_roots_[t + 1] : nodes_.size();
        // Leaves at the block's full depth are reached only by the last step, which reads their
        // values from walk_leaves_ (4 bytes each) instead of a 16-byte node: breadth-first, they
        // are the tree's last nodes and are not stored in walk_.
        const int block_depth = walk_block_depth_[t / kWalkLanes];
        depth.assign(end - root, 0);
        size_t first_deepest = end - root;
        for (size_t q = 0; q < end - root; ++q) {
            const Node& n = nodes_[root + q];
            if (n.left != 0) depth[n.left - root] = depth[n.left - root + 1] = static_cast<uint8_t>(depth[q] + 1);
            if (block_depth > 0 && depth[q] == block_depth && first_deepest == end - root) first_deepest = q;
        }
        for (size_t q = first_deepest; q < end - root; ++q) walk_leaves_.push_back(nodes_[root + q].threshold);
        for (size_t q = 0; q < first_deepest; ++q) {
            const size_t i = root + q;
            const Node& n = nodes_[i];
            if (n.left == 0) {
                walk_.push_back({n.threshold, 0, leaf_slot, {0.0f, 0.0f}});
                continue;
            }
            // A split one level above the block's depth: its offset says where its children's
            // values are in walk_leaves_ (from the tree's base); otherwise to its left child.
            const bool last_split = depth[q] + 1 == block_depth;
            const size_t offset = last_split ? n.left - root - first_deepest : n.left - i;
            // The NaN substitution of fill_split_row needs finite thresholds.
            if ((!last_split && offset == 0) || offset > 0xffff || !std::isfinite(n.threshold)) {
                walk_.clear();
                walk_roots_.clear();
                walk_leaves_.clear();
                walk_leaf_base_.clear();
                return;
            }
            const size_t slot = (n.feature & kFeatureMask) + ((n.feature & kMissingRight) ? f : 0);
            walk_.push_back({n.threshold, static_cast<uint16_t>(offset), static_cast<uint16_t>(slot),
                             {node_mean_[n.left] - node_mean_[i], node_mean_[n.left + 1] - node_mean_[i]}});
        }
    }
    walk_.push_back(parked);  // lanes past the last tree park here
    walk_leaves_.push_back(0.0f);  // what a parked lane's last step indexes at the end of the array
    const size_t padded = (num_trees + kWalkLanes - 1) / kWalkLanes * kWalkLanes;
    walk_roots_.resize(padded, static_cast<uint32_t>(walk_.size() - 1));
    walk_leaf_base_.resize(padded, 0);
}

// kWalkLanes trees in lock-step for the block's depth, as predict_margin, so their dependent
// loads overlap. Every step is branch-free: a lane at its leaf stays there and adds 0 to the
// scratch slot 2F. All lanes add into one accumulator per slot (slots f and f + F both credit
// feature f at the end): one row per lane, zeroed and summed per call, measured slower. The last
// step reads the leaf value from walk_leaves_, or from the node where a lane is already parked.
float Forest::walk_with_attribution(const float* x, float* contrib) const {
    const size_t f = num_features_;
    const size_t num_trees = tree_roots_.size();
    float xx[2 * kMaxWalkFeatures + 1];
    fill_split_row(x, xx);
    xx[2 * f] = std::numeric_limits<float>::quiet_NaN();  // the leaves' slot: never goes right
    float acc[2 * kMaxWalkFeatures + 1];
    std::fill(acc, acc + 2 * f + 1, 0.0f);
    const WalkNode* nodes = walk_.data();
    const uint32_t* roots = walk_roots_.data();
    const uint32_t* leaf_base = walk_leaf_base_.data();
    const float* leaves = walk_leaves_.data();
    const uint32_t leaf_slot = static_cast<uint32_t>(2 * f);
    float margin = base_margin_;
    // One step of one lane: credits the split's slot with the mean change of the edge taken, which it returns
    // (0 left, 1 right).
    const auto step = [&xx, &acc](const WalkNode& n) -> uint32_t {
        const uint32_t go_right = xx[n.slot] >= n.value;
        acc[n.slot] += n.delta[go_right];
        return go_right;
    };
    for (size_t t = 0, block = 0; t < num_trees; t += kWalkLanes, ++block) {
        const size_t lanes = std::min(kWalkLanes, num_trees - t);
        const WalkNode* at[kWalkLanes];
#pragma GCC unroll 16
        for (size_t l = 0; l < kWalkLanes; ++l) at[l] = nodes + roots[t + l];
        const int block_depth = walk_block_depth_[block];
        for (int d = block_depth; d > 1; --d) {
#pragma GCC unroll 16
            for (size_t l = 0; l < kWalkLanes; ++l) {
                const WalkNode& n = *at[l];
                at[l] += n.offset + step(n);
            }
        }
        float value[kWalkLanes];
        if (block_depth == 0) {
#pragma GCC unroll 16
            for (size_t l = 0; l < kWalkLanes; ++l) value[l] = at[l]->value;
        } else {
#pragma GCC unroll 16
            for (size_t l = 0; l < kWalkLanes; ++l) {
                const WalkNode& n = *at[l];
                const uint32_t go_right = step(n);
                // The address is selected with a mask, not by a branch (which the compiler emits
                // for a ?: here): whether a lane is parked depends on the row, so it mispredicts.
                const auto in_node = reinterpret_cast<uintptr_t>(&n.value);
                const auto in_leaves = reinterpret_cast<uintptr_t>(leaves + leaf_base[t + l] + n.offset + go_right);
                const uintptr_t parked = uintptr_t{0} - static_cast<uintptr_t>(n.slot == leaf_slot);
                value[l] = *reinterpret_cast<const float*>(in_leaves + ((in_node - in_leaves) & parked));
            }
        }
        // Summed tree by tree in predict_margin's order, so the margin is bit-identical.
        if (lanes == kWalkLanes) {
#pragma GCC unroll 16
            for (size_t l = 0; l < kWalkLanes; ++l) margin += value[l];
        } else {
            for (size_t l = 0; l < lanes; ++l) margin += value[l];
        }
    }
    for (size_t j = 0; j < f; ++j) {
        contrib[j] = acc[j] + acc[f + j];
    }
    return margin;
}

float Forest::path_contributions_and_margin(std::span<const float> row, std::span<float> out) const {
    if (row.size() != num_features_ || out.size() != num_features_ + 1) {
        std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
        return std::numeric_limits<float>::quiet_NaN();
    }
    out[num_features_] = expected_margin_;
    if (!walk_.empty()) return walk_with_attribution(row.data(), out.data());
    // One tree at a time over the load-time nodes, for models the walk layout cannot hold.
    std::fill(out.begin(), out.end() - 1, 0.0f);
    const float* x = row.data();
    const Node* nodes = nodes_.data();
    float* contrib = out.data();
    // Summed tree by tree in the same order as predict_margin, so the margin is bit-identical.
    float margin = base_margin_;
    for (const uint32_t root : tree_roots_) {
        uint32_t i = root;
        float value = node_mean_[i];
        while (nodes[i].left != 0) {
            const Node& n = nodes[i];
            const uint32_t feat = n.feature & kFeatureMask;
            const float v = x[feat];
            const uint32_t go_right = static_cast<uint32_t>(v >= n.threshold) | ((v != v) & (n.feature >> 31));
            i = n.left + go_right;
            const float next = node_mean_[i];
            contrib[feat] += next - value;
            value = next;
        }
        margin += nodes[i].threshold;
    }
    return margin;
}

std::vector<FeatureContribution> Forest::top_k(std::span<const float> contributions, size_t k) {
    std::vector<FeatureContribution> out(std::min(k, contributions.empty() ? 0 : contributions.size() - 1));
    out.resize(top_k(contributions, out));
    return out;
}

size_t Forest::top_k(std::span<const float> contributions, std::span<FeatureContribution> out) {
    if (contributions.empty() || out.empty()) return 0;
    const size_t n = contributions.size() - 1;  // last entry is the bias
    const auto before = [](const FeatureContribution& a, const FeatureContribution& b) {
        const float fa = std::fabs(a.value), fb = std::fabs(b.value);
        return fa != fb ? fa > fb : a.feature < b.feature;
    };
    // Insertion into the sorted prefix: k is a handful of reasons, so O(n k) with no allocation.
    // Once full, a candidate must beat the last entry's magnitude (on a tie the earlier feature,
    // already there, wins), so most candidates cost one comparison.
    size_t count = 0;
    float last = 0.0f;  // |value| of out[count - 1] once full
    for (size_t i = 0; i < n; ++i) {
        if (contributions[i] == 0.0f) continue;
        if (count == out.size() && !(std::fabs(contributions[i]) > last)) continue;
        const FeatureContribution c{static_cast<uint32_t>(i), contributions[i]};
        size_t pos = count < out.size() ? count++ : count - 1;
        for (; pos > 0 && before(c, out[pos - 1]); --pos) out[pos] = out[pos - 1];
        out[pos] = c;
        if (count == out.size()) last = std::fabs(out[count - 1].value);
    }
    return count;
}

}  // namespace vigil::ml
