// Exact TreeSHAP over the flat forest, two ways:
//  * shap_values: Lundberg et al. 2018, Algorithm 2 (path extend / unwind with cover-weighted zero
//    fractions), a port of the recursion XGBoost itself uses, with a preallocated path buffer.
//  * shap_values_fast: the same Shapley values from the integral form
//      phi_i += v_l (o_i - z_i) * integral_0^1 prod_{j != i} (t o_j + (1 - t) z_j) dt
//    (Linear TreeSHAP, Yu et al. 2022). The integrand is a polynomial of degree < depth, so a
//    Gauss-Legendre rule with depth/2 + 1 nodes integrates it exactly; sums over leaves are pushed
//    up the tree, so each node costs O(nodes of the rule) instead of O(depth^2) per leaf.
#include <algorithm>
#include <cmath>
#include <limits>
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

// Per-level state of the fast algorithm: the feature split on the edge into this level and its
// combined zero/one fractions (products over earlier splits on the same feature).
struct EdgeState {
    uint32_t feature;
    double zero;
    double one;
};

struct FastShap {
    const Node* nodes;
    const float* row;
    float* phi;
    const double* t;      // quadrature nodes
    const double* w;      // quadrature weights
    size_t m;             // number of nodes of the rule
    double* q;            // (depth + 2) * m: prefix products Q(t) per level
    double* s;            // (depth + 2) * m: sum over leaves below of v * Q_leaf(t), per level
    double* lin_prev;     // (depth + 2) * m: t o_a + (1 - t) z_a of the shadowed edge, per level
    EdgeState* edges;     // depth + 1

    void recurse(uint32_t idx, unsigned level) const {
        const Node& n = nodes[idx];
        const double* Q = q + level * m;
        double* S = s + level * m;
        if (n.left == 0) {
            const double v = n.threshold;
            for (size_t k = 0; k < m; ++k) S[k] = v * Q[k];
            return;
        }
        const uint32_t feature = n.feature & Forest::kFeatureMask;
        const uint32_t hot = hot_child(n, row);
        // Most recent earlier split on the same feature, if any: its factor is replaced below.
        double za = 1.0, oa = 1.0;
        for (unsigned e = level; e-- > 0;) {
            if (edges[e].feature == feature) {
                za = edges[e].zero;
                oa = edges[e].one;
                break;
            }
        }
        double* La = lin_prev + level * m;
        for (size_t k = 0; k < m; ++k) La[k] = t[k] * oa + (1.0 - t[k]) * za;
        for (size_t k = 0; k < m; ++k) S[k] = 0.0;
        const double cover = n.cover;
        double* Qc = q + (level + 1) * m;
        const double* Sc = s + (level + 1) * m;
        for (uint32_t c = n.left; c <= n.left + 1; ++c) {
            const double zc = cover > 0.0 ? nodes[c].cover / cover : 0.5;
            const double ze = za * zc;
            const double oe = c == hot ? oa : 0.0;
            for (size_t k = 0; k < m; ++k) {
                const double le = t[k] * oe + (1.0 - t[k]) * ze;
                // When the shadowed factor is 0 so is this one, and every leaf below has Q = 0.
                Qc[k] = La[k] != 0.0 ? Q[k] * le / La[k] : 0.0;
            }
            edges[level] = {feature, ze, oe};
            recurse(c, level + 1);
            double acc = 0.0;
            for (size_t k = 0; k < m; ++k) {
                const double le = t[k] * oe + (1.0 - t[k]) * ze;
                const double term_e = le != 0.0 ? (oe - ze) / le : 0.0;
                const double term_a = La[k] != 0.0 ? (oa - za) / La[k] : 0.0;
                acc += w[k] * Sc[k] * (term_e - term_a);
                S[k] += Sc[k];
            }
            phi[feature] += static_cast<float>(acc);
        }
    }
};

struct Scratch {
    std::vector<PathElement> path;
    std::vector<double> fast;
    std::vector<EdgeState> edges;
};

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

void Forest::init_shap_tables() { gauss_legendre(static_cast<size_t>(max_depth_) / 2 + 1, gauss_t_, gauss_w_); }

void Forest::shap_values(std::span<const float> row, std::span<float> out) const {
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

void Forest::shap_values_fast(std::span<const float> row, std::span<float> out) const {
    if (row.size() != num_features_ || out.size() != num_features_ + 1) {
        std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
        return;
    }
    std::fill(out.begin(), out.end(), 0.0f);
    Scratch& scratch = thread_scratch();
    const size_t m = gauss_t_.size();
    const size_t levels = static_cast<size_t>(max_depth_) + 2;
    if (scratch.fast.size() < 3 * levels * m) scratch.fast.resize(3 * levels * m);
    if (scratch.edges.size() < levels) scratch.edges.resize(levels);
    double* base = scratch.fast.data();
    const FastShap shap{nodes_.data(), row.data(), out.data(), gauss_t_.data(), gauss_w_.data(), m,
                        base, base + levels * m, base + 2 * levels * m, scratch.edges.data()};
    for (size_t k = 0; k < m; ++k) base[k] = 1.0;  // Q at the root: empty product
    for (uint32_t root : tree_roots_) shap.recurse(root, 0);
    out[num_features_] = expected_margin_;
}

}  // namespace vigil::ml
