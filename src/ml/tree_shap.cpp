// Exact TreeSHAP over the flat forest, two ways:
//  * shap_values_path: Lundberg et al. 2018, Algorithm 2 (path extend / unwind with cover-weighted
//    zero fractions), a port of the recursion XGBoost itself uses, with a preallocated path buffer.
//  * shap_values: the same Shapley values from the integral form
//      phi_i += v_l (o_i - z_i) * integral_0^1 prod_{j != i} (t o_j + (1 - t) z_j) dt
//    (Linear TreeSHAP, Yu et al. 2022). The integrand is a polynomial of degree < depth, so a
//    Gauss-Legendre rule with ceil(depth/2) nodes integrates it exactly; sums over leaves are
//    pushed up the tree, so each node costs O(rule nodes) instead of O(depth^2) per leaf.
#include <algorithm>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "vigil/ml/forest.hpp"

namespace vigil::ml {
namespace {

using Node = Forest::Node;

struct PathElement {
    int32_t feature;
    float zero_fraction;
    float one_fraction;
    float pweight;
};

inline uint32_t hot_child(const Node& n, const float* row) {
    const float x = row[n.feature & Forest::kFeatureMask];
    return n.left + (static_cast<uint32_t>(x >= n.threshold) | ((x != x) & (n.feature >> 31)));
}

// Append a feature with the given zero/one fractions to the path and update the permutation weights.
inline void extend_path(PathElement* path, unsigned depth, float zero_fraction, float one_fraction, int feature) {
    path[depth] = {feature, zero_fraction, one_fraction, depth == 0 ? 1.0f : 0.0f};
    const float inv = 1.0f / static_cast<float>(depth + 1);
    for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
        path[i + 1].pweight += one_fraction * path[i].pweight * static_cast<float>(i + 1) * inv;
        path[i].pweight = zero_fraction * path[i].pweight * static_cast<float>(depth - i) * inv;
    }
}

// Undo the extension of element `index` (the feature is split on again further down).
inline void unwind_path(PathElement* path, unsigned depth, unsigned index) {
    const float one_fraction = path[index].one_fraction;
    const float zero_fraction = path[index].zero_fraction;
    float next_one_portion = path[depth].pweight;
    for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
        if (one_fraction != 0.0f) {
            const float tmp = path[i].pweight;
            path[i].pweight = next_one_portion * static_cast<float>(depth + 1) / (static_cast<float>(i + 1) * one_fraction);
            next_one_portion = tmp - path[i].pweight * zero_fraction * static_cast<float>(depth - i) /
                                         static_cast<float>(depth + 1);
        } else {
            path[i].pweight = path[i].pweight * static_cast<float>(depth + 1) / (zero_fraction * static_cast<float>(depth - i));
        }
    }
    for (unsigned i = index; i < depth; ++i) {
        path[i].feature = path[i + 1].feature;
        path[i].zero_fraction = path[i + 1].zero_fraction;
        path[i].one_fraction = path[i + 1].one_fraction;
    }
}

// Total permutation weight if element `index` were unwound (without modifying the path).
inline float unwound_path_sum(const PathElement* path, unsigned depth, unsigned index) {
    const float one_fraction = path[index].one_fraction;
    const float zero_fraction = path[index].zero_fraction;
    float next_one_portion = path[depth].pweight;
    float total = 0.0f;
    const float dp1 = static_cast<float>(depth + 1);
    if (one_fraction != 0.0f) {
        for (int i = static_cast<int>(depth) - 1; i >= 0; --i) {
            const float tmp = next_one_portion * dp1 / (static_cast<float>(i + 1) * one_fraction);
            total += tmp;
            next_one_portion = path[i].pweight - tmp * zero_fraction * (static_cast<float>(depth - i) / dp1);
        }
    } else if (zero_fraction != 0.0f) {
        for (int i = static_cast<int>(depth) - 1; i >= 0; --i)
            total += (path[i].pweight / zero_fraction) / (static_cast<float>(depth - i) / dp1);
    }
    return total;
}

struct PathShap {
    const Node* nodes;
    const float* row;
    float* phi;

    void recurse(uint32_t idx, unsigned depth, PathElement* parent_path, float parent_zero, float parent_one,
                 int parent_feature) const {
        PathElement* path = parent_path + depth + 1;
        std::copy(parent_path, parent_path + depth + 1, path);
        extend_path(path, depth, parent_zero, parent_one, parent_feature);
        const Node& n = nodes[idx];
        if (n.left == 0) {
            for (unsigned i = 1; i <= depth; ++i) {
                const float w = unwound_path_sum(path, depth, i);
                const PathElement& el = path[i];
                phi[el.feature] += w * (el.one_fraction - el.zero_fraction) * n.threshold;
            }
            return;
        }
        const uint32_t hot = hot_child(n, row);
        const uint32_t cold = hot == n.left ? n.left + 1 : n.left;
        const float cover = n.cover;
        const float hot_zero = cover > 0.0f ? nodes[hot].cover / cover : 0.5f;
        const float cold_zero = cover > 0.0f ? nodes[cold].cover / cover : 0.5f;
        float incoming_zero = 1.0f, incoming_one = 1.0f;
        const int feature = static_cast<int>(n.feature & Forest::kFeatureMask);
        unsigned index = 0;
        for (; index <= depth; ++index)
            if (path[index].feature == feature) break;
        if (index != depth + 1) {
            incoming_zero = path[index].zero_fraction;
            incoming_one = path[index].one_fraction;
            unwind_path(path, depth, index);
            depth -= 1;
        }
        recurse(hot, depth + 1, path, hot_zero * incoming_zero, incoming_one, feature);
        recurse(cold, depth + 1, path, cold_zero * incoming_zero, 0.0f, feature);
    }
};

// Largest path buffer the recursion can touch for trees of depth `max_depth`: the path at node
// level L starts at offset <= 1 + 2 + ... + L and holds L + 1 elements.
size_t path_buffer_size(int max_depth) {
    const size_t d = static_cast<size_t>(max_depth) + 3;
    return d * (d + 1) / 2;
}

// --- Quadrature variant -------------------------------------------------------------------------
// Values are small vectors over the quadrature nodes (GCC vector extensions: SSE on x86-64 without
// any -march flag); C chunks of 4 floats hold the rule's nodes, padded with zero weights.
using v4f = float __attribute__((vector_size(16)));
using v4i = int32_t __attribute__((vector_size(16)));

inline v4f splat(float x) { return v4f{x, x, x, x}; }

// 1 / x for x in (0, 1]: the hardware estimate and one Newton step (relative error ~1e-7; the
// estimate differs between CPU vendors, so results may differ in the last bits across machines),
// as a division is the slowest operation in the pass.
inline v4f reciprocal(v4f x) {
#if defined(__SSE__)
    const v4f r = _mm_rcp_ps(x);
    return r * (splat(2.0f) - x * r);
#else
    return splat(1.0f) / x;
#endif
}
// x with exact zeros replaced by 1: every 0/0 in the algorithm stands for a term that is 0.
inline v4f nonzero(v4f x) {
    const v4i is_zero = x == splat(0.0f);
    return x + reinterpret_cast<v4f>(is_zero & v4i{0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000});
}

struct Scratch {
    std::vector<PathElement> path;
    std::vector<v4f> fast;
    std::vector<float> fractions;
};

// The model arrays the quadrature pass reads.
struct ForestView {
    const Forest::ShapSplit* splits;
    const Forest::ShapLeaf* leaves;
    const uint32_t* split_begin;
    const uint32_t* leaf_begin;
    size_t num_trees;
    size_t max_tree_nodes;
    size_t num_features;
};

// One tree as two linear passes over its splits (breadth-first) and a pass over its leaves:
//  top-down:  Q[child] = Q[parent] * lin_e / lin_a, with lin = t o + (1 - t) z for the edge's
//             combined fractions (lin_a: the shadowed earlier edge on the same feature, else 1),
//             and the edge's term T = (o_e - z_e) / lin_e - (o_a - z_a) / lin_a;
//  leaves:    S[leaf] = v Q[leaf];
//  bottom-up: S[split] = S[left] + S[right], and the split feature's accumulator gains
//             S[left] T[left] + S[right] T[right].
// For leaf l below an edge on feature i this sums v_l (o_i - z_i) prod_{j != i} lin_j at every
// quadrature node: the Shapley integrand. Earlier edges on the same feature are taken back.
template <int C>
void shap_tree(const Forest::ShapSplit* splits, size_t num_splits, const Forest::ShapLeaf* leaves, size_t num_leaves,
               const float* row, const v4f* rule, v4f* Q, v4f* T, v4f* S, float* ze, float* oe, v4f* acc) {
    const v4f* t = rule;
    const v4f* omt = rule + C;
    const v4f* neg_inv_omt = rule + 2 * C;
    for (int c = 0; c < C; ++c) Q[c] = splat(1.0f);
    for (size_t k = 0; k < num_splits; ++k) {
        const Forest::ShapSplit& sp = splits[k];
        const float x = row[sp.feature & Forest::kFeatureMask];
        const uint32_t go_right = static_cast<uint32_t>(x >= sp.threshold) | ((x != x) & (sp.feature >> 31));
        const uint32_t hot = sp.left + go_right;
        const uint32_t cold = sp.left + (go_right ^ 1u);
        const float zh = sp.zero[go_right], zc = sp.zero[go_right ^ 1u];
        const v4f* Qp = Q + static_cast<size_t>(sp.node) * C;
        if (sp.prev_edge == Forest::kNoEdge) {
            // First split on this feature on the path (the common case). Hot edge: lin = t + (1 - t) z,
            // T = (1 - z) / lin. Cold edge: lin = (1 - t) z, T = -z / ((1 - t) z) = -1 / (1 - t).
            if (sp.linked) {  // only edges a split below refers to need their fractions kept
                ze[hot] = zh;
                oe[hot] = 1.0f;
                ze[cold] = zc;
                oe[cold] = 0.0f;
            }
            const v4f one_minus_z = splat(1.0f - zh);
            const v4f zhs = splat(zh), zcs = splat(zc);
            for (int c = 0; c < C; ++c) {
                const v4f lin = t[c] + omt[c] * zhs;
                Q[hot * C + c] = Qp[c] * lin;
                T[hot * C + c] = one_minus_z * reciprocal(lin);
                Q[cold * C + c] = Qp[c] * omt[c] * zcs;
                T[cold * C + c] = neg_inv_omt[c];
            }
            continue;
        }
        // Repeated feature: the combined fractions replace the earlier edge's factor in Q, and the
        // earlier edge's term (counted for these leaves higher up) is taken back.
        const float za = ze[sp.prev_edge], oa = oe[sp.prev_edge];
        for (uint32_t j : {hot, cold}) {
            const float z = za * (j == hot ? zh : zc);
            const float o = j == hot ? oa : 0.0f;
            ze[j] = z;
            oe[j] = o;
            for (int c = 0; c < C; ++c) {
                const v4f la = nonzero(t[c] * splat(oa) + omt[c] * splat(za));
                const v4f le = t[c] * splat(o) + omt[c] * splat(z);
                Q[j * C + c] = Qp[c] * le / la;  // la == 0 only when le == 0: Q below is 0
                T[j * C + c] = splat(o - z) / nonzero(le) - splat(oa - za) / la;
            }
        }
    }
    for (size_t k = 0; k < num_leaves; ++k) {
        const size_t i = leaves[k].node;
        const v4f v = splat(leaves[k].value);
        for (int c = 0; c < C; ++c) S[i * C + c] = Q[i * C + c] * v;
    }
    for (size_t k = num_splits; k-- > 0;) {
        const Forest::ShapSplit& sp = splits[k];
        const size_t l = sp.left;
        v4f* A = acc + static_cast<size_t>(sp.feature & Forest::kFeatureMask) * C;
        for (int c = 0; c < C; ++c) {
            const v4f sl = S[l * C + c], sr = S[(l + 1) * C + c];
            S[sp.node * C + c] = sl + sr;
            A[c] += sl * T[l * C + c] + sr * T[(l + 1) * C + c];
        }
    }
}

template <int C>
void run_fast(const ForestView& f, const float* row, const float* rule_in, float* out, Scratch& scratch) {
    // rule: t | 1 - t | -1/(1 - t) | w, each C * 4 floats.
    const size_t n = f.max_tree_nodes;
    const size_t need = (3 * n + f.num_features) * C;
    if (scratch.fast.size() < need) scratch.fast.resize(need);
    if (scratch.fractions.size() < 2 * n) scratch.fractions.resize(2 * n);
    v4f* Q = scratch.fast.data();
    v4f* T = Q + n * C;
    v4f* S = T + n * C;
    v4f* acc = S + n * C;
    std::fill(acc, acc + f.num_features * C, splat(0.0f));
    v4f rule[4 * C];
    std::memcpy(rule, rule_in, sizeof rule);
    float* ze = scratch.fractions.data();
    float* oe = ze + n;
    for (size_t k = 0; k < f.num_trees; ++k) {
        const uint32_t s0 = f.split_begin[k], s1 = f.split_begin[k + 1];
        const uint32_t l0 = f.leaf_begin[k], l1 = f.leaf_begin[k + 1];
        shap_tree<C>(f.splits + s0, s1 - s0, f.leaves + l0, l1 - l0, row, rule, Q, T, S, ze, oe, acc);
    }
    const v4f* w = rule + 3 * C;
    for (size_t j = 0; j < f.num_features; ++j) {
        v4f sum = splat(0.0f);
        for (int c = 0; c < C; ++c) sum += acc[j * C + c] * w[c];
        out[j] = (sum[0] + sum[1]) + (sum[2] + sum[3]);
    }
}

Scratch& thread_scratch() {
    // One buffer per thread, grown to the deepest model seen: no allocation per call after that.
    thread_local Scratch scratch;
    return scratch;
}

// Gauss-Legendre rule with m nodes mapped to (0, 1); exact for polynomials of degree <= 2m - 1.
void gauss_legendre(size_t m, std::vector<double>& t, std::vector<double>& w) {
    t.assign(m, 0.0);
    w.assign(m, 0.0);
    const double pi = std::acos(-1.0);
    for (size_t i = 0; i < m; ++i) {
        double x = std::cos(pi * (static_cast<double>(i) + 0.75) / (static_cast<double>(m) + 0.5));
        double dp = 1.0;
        for (int iter = 0; iter < 100; ++iter) {
            double p0 = 1.0, p1 = x;
            for (size_t j = 2; j <= m; ++j) {
                const double p2 = ((2.0 * static_cast<double>(j) - 1.0) * x * p1 - (static_cast<double>(j) - 1.0) * p0) /
                                  static_cast<double>(j);
                p0 = p1;
                p1 = p2;
            }
            dp = static_cast<double>(m) * (x * p1 - p0) / (x * x - 1.0);
            const double dx = p1 / dp;
            x -= dx;
            if (std::fabs(dx) < 1e-15) break;
        }
        t[i] = 0.5 * (x + 1.0);
        w[i] = 1.0 / ((1.0 - x * x) * dp * dp);  // 2 / ((1 - x^2) P'(x)^2), halved for (0, 1)
    }
}

}  // namespace

void Forest::init_shap_tables() {
    // The integrand has degree <= depth - 1; m nodes are exact up to degree 2m - 1.
    const size_t m = std::max<size_t>(1, (static_cast<size_t>(max_depth_) + 1) / 2);
    std::vector<double> t, w;
    gauss_legendre(m, t, w);
    const size_t padded = (m + 3) / 4 * 4;
    gauss_rule_.assign(4 * padded, 0.0f);
    for (size_t i = 0; i < padded; ++i) {
        const double ti = i < m ? t[i] : 0.5;  // padding lanes: harmless node, zero weight
        gauss_rule_[i] = static_cast<float>(ti);
        gauss_rule_[padded + i] = static_cast<float>(1.0 - ti);
        gauss_rule_[2 * padded + i] = static_cast<float>(-1.0 / (1.0 - ti));
        gauss_rule_[3 * padded + i] = i < m ? static_cast<float>(w[i]) : 0.0f;
    }
}

void Forest::shap_values_path(std::span<const float> row, std::span<float> out) const {
    if (row.size() != num_features_ || out.size() != num_features_ + 1) {
        std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
        return;
    }
    std::fill(out.begin(), out.end(), 0.0f);
    Scratch& scratch = thread_scratch();
    const size_t need = path_buffer_size(max_depth_);
    if (scratch.path.size() < need) scratch.path.resize(need);
    const PathShap shap{nodes_.data(), row.data(), out.data()};
    for (uint32_t root : tree_roots_) shap.recurse(root, 0, scratch.path.data(), 1.0f, 1.0f, -1);
    out[num_features_] = expected_margin_;
}

void Forest::shap_values(std::span<const float> row, std::span<float> out) const {
    if (row.size() != num_features_ || out.size() != num_features_ + 1) {
        std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
        return;
    }
    if (gauss_rule_.empty()) {  // a default-constructed Forest: no trees
        std::fill(out.begin(), out.end(), 0.0f);
        out[num_features_] = expected_margin_;
        return;
    }
    Scratch& scratch = thread_scratch();
    const size_t chunks = gauss_rule_.size() / 16;
    const ForestView view{shap_splits_.data(), shap_leaves_.data(), shap_split_begin_.data(), shap_leaf_begin_.data(),
                          tree_roots_.size(), max_tree_nodes_, num_features_};
    const auto run = [&](auto tag) {
        run_fast<decltype(tag)::value>(view, row.data(), gauss_rule_.data(), out.data(), scratch);
    };
    // Depth <= 64 gives at most 33 nodes: 9 chunks.
    switch (chunks) {
        case 1: run(std::integral_constant<int, 1>{}); break;
        case 2: run(std::integral_constant<int, 2>{}); break;
        case 3: run(std::integral_constant<int, 3>{}); break;
        case 4: run(std::integral_constant<int, 4>{}); break;
        case 5: run(std::integral_constant<int, 5>{}); break;
        case 6: run(std::integral_constant<int, 6>{}); break;
        case 7: run(std::integral_constant<int, 7>{}); break;
        case 8: run(std::integral_constant<int, 8>{}); break;
        default: run(std::integral_constant<int, 9>{}); break;
    }
    out[num_features_] = expected_margin_;
}

}  // namespace vigil::ml
