// Exact TreeSHAP over the flat forest, two ways:
//  * shap_values_path: Lundberg et al. 2018, Algorithm 2 (path extend / unwind with cover-weighted
//    zero fractions), a port of the recursion XGBoost itself uses, with a preallocated path buffer.
//  * shap_values: the same Shapley values from the integral form
//      phi_i += v_l (o_i - z_i) * integral_0^1 prod_{j != i} (t o_j + (1 - t) z_j) dt
//    (Linear TreeSHAP, Yu et al. 2022). The integrand is a polynomial of degree < depth, so a
//    Gauss-Legendre rule with depth/2 + 1 nodes integrates it exactly; sums over leaves are pushed
//    up the tree, so each node costs O(nodes of the rule) instead of O(depth^2) per leaf.
#include <algorithm>
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
// x with exact zeros replaced by 1: every 0/0 in the algorithm stands for a term that is 0.
inline v4f nonzero(v4f x) {
    const v4i is_zero = x == splat(0.0f);
    return x + reinterpret_cast<v4f>(is_zero & v4i{0x3f800000, 0x3f800000, 0x3f800000, 0x3f800000});
}

// Per-level state: the feature split on the edge into this level and its combined zero/one
// fractions (products over all splits on that feature so far on the path).
struct EdgeState {
    uint32_t feature;
    float zero;
    float one;
};

template <int C>
struct FastShap {
    const Node* nodes;
    const float* zero_fraction;  // per node: its cover / its parent's cover
    const float* row;
    const v4f* t;            // C: quadrature nodes on (0, 1)
    const v4f* omt;          // C: 1 - t
    const v4f* neg_inv_omt;  // C: -1 / (1 - t)
    v4f* q;                  // levels * C: prefix product Q(t) = prod over path edges of (t o + (1 - t) z)
    v4f* s;                  // levels * C: sum over the leaves below of v * Q_leaf(t)
    v4f* acc;                // (features + 1) * C: per-feature sum of S_child * term, weighted at the end
    EdgeState* edges;        // levels
    int16_t* last_level;     // features: level of the latest edge splitting on the feature, or -1

    void recurse(uint32_t idx, unsigned level) const {
        const Node& n = nodes[idx];
        const v4f* Q = q + level * C;
        v4f* S = s + level * C;
        if (n.left == 0) {
            const v4f v = splat(n.threshold);
            for (int c = 0; c < C; ++c) S[c] = Q[c] * v;
            return;
        }
        const uint32_t feature = n.feature & Forest::kFeatureMask;
        const uint32_t hot = hot_child(n, row);
        const uint32_t cold = hot == n.left ? n.left + 1 : n.left;
        const float z_hot = zero_fraction[hot];
        const float z_cold = zero_fraction[cold];
        if ((n.feature & Forest::kTwig) && last_level[feature] < 0) {
            // Both children are leaves and the feature is new on the path (the most common
            // internal node): A += Q (v_h (1 - z_h) - v_c z_c), S = Q (v_h t + (1 - t)(v_h z_h + v_c z_c)).
            const float vh = nodes[hot].threshold, vc = nodes[cold].threshold;
            const v4f a = splat(vh * (1.0f - z_hot) - vc * z_cold);
            const v4f b = splat(vh * z_hot + vc * z_cold);
            const v4f vhs = splat(vh);
            v4f* A = acc + static_cast<size_t>(feature) * C;
            for (int c = 0; c < C; ++c) {
                A[c] += Q[c] * a;
                S[c] = Q[c] * (vhs * t[c] + omt[c] * b);
            }
            return;
        }
        v4f* Qc = q + (level + 1) * C;
        const v4f* Sc = s + (level + 1) * C;
        v4f* A = acc + static_cast<size_t>(feature) * C;

        // Level of the most recent edge on the path that split on this feature (-1: none). Kept
        // per feature and restored on the way back up, so lookup is O(1).
        const int prev = last_level[feature];
        if (prev < 0) {
            last_level[feature] = static_cast<int16_t>(level);
            // First split on this feature on the path (the common case): no factor to replace.
            // Hot edge: factor t + (1 - t) z, term (1 - z) / factor. Cold edge: factor (1 - t) z,
            // term -z / ((1 - t) z) = -1 / (1 - t).
            // A leaf child is finished in place: its S is v * Q * factor, and S * term needs no
            // division (the factor cancels). Both edges' terms are summed locally and added to the
            // feature's accumulator once.
            v4f a_local[C], s_local[C];
            const v4f one_minus_z = splat(1.0f - z_hot);
            if (const Node& h = nodes[hot]; h.left == 0) {
                const v4f v = splat(h.threshold);
                for (int c = 0; c < C; ++c) {
                    const v4f vq = Q[c] * v;
                    a_local[c] = vq * one_minus_z;
                    s_local[c] = vq * (t[c] + omt[c] * z_hot);
                }
            } else {
                v4f term[C];
                for (int c = 0; c < C; ++c) {
                    const v4f lin = t[c] + omt[c] * z_hot;
                    Qc[c] = Q[c] * lin;
                    term[c] = one_minus_z / lin;  // divided before the call, off the critical path
                }
                edges[level] = {feature, z_hot, 1.0f};
                recurse(hot, level + 1);
                for (int c = 0; c < C; ++c) {
                    a_local[c] = Sc[c] * term[c];
                    s_local[c] = Sc[c];
                }
            }
            const v4f zc = splat(z_cold);
            if (const Node& k = nodes[cold]; k.left == 0) {
                const v4f v = splat(k.threshold);
                const v4f neg_z = splat(-z_cold);
                for (int c = 0; c < C; ++c) {
                    const v4f vq = Q[c] * v;
                    a_local[c] += vq * neg_z;
                    s_local[c] += vq * omt[c] * zc;
                }
            } else {
                for (int c = 0; c < C; ++c) Qc[c] = Q[c] * omt[c] * zc;
                edges[level] = {feature, z_cold, 0.0f};
                recurse(cold, level + 1);
                for (int c = 0; c < C; ++c) {
                    a_local[c] += Sc[c] * neg_inv_omt[c];
                    s_local[c] += Sc[c];
                }
            }
            for (int c = 0; c < C; ++c) {
                A[c] += a_local[c];
                S[c] = s_local[c];
            }
            last_level[feature] = -1;
            return;
        }
        // Repeated feature: the edge's combined fractions replace the earlier edge's factor in Q,
        // and the earlier edge's term (counted for these leaves higher up) is taken back.
        const float za = edges[prev].zero, oa = edges[prev].one;
        v4f la[C], term_a[C];
        for (int c = 0; c < C; ++c) {
            la[c] = nonzero(t[c] * splat(oa) + omt[c] * splat(za));
            term_a[c] = splat(oa - za) / la[c];
        }
        last_level[feature] = static_cast<int16_t>(level);
        for (int child = 0; child < 2; ++child) {
            const uint32_t ci = child == 0 ? hot : cold;
            const float ze = za * (child == 0 ? z_hot : z_cold);
            const float oe = child == 0 ? oa : 0.0f;
            v4f le[C];
            for (int c = 0; c < C; ++c) {
                le[c] = t[c] * splat(oe) + omt[c] * splat(ze);
                Qc[c] = Q[c] * le[c] / la[c];  // la == 0 only when le == 0: Q below is 0
            }
            edges[level] = {feature, ze, oe};
            recurse(ci, level + 1);
            for (int c = 0; c < C; ++c) {
                A[c] += Sc[c] * (splat(oe - ze) / nonzero(le[c]) - term_a[c]);
                S[c] = child == 0 ? Sc[c] : S[c] + Sc[c];
            }
        }
        last_level[feature] = static_cast<int16_t>(prev);
    }
};

struct Scratch {
    std::vector<PathElement> path;
    std::vector<v4f> fast;
    std::vector<EdgeState> edges;
    std::vector<int16_t> last_level;
};

template <int C>
void run_fast(const Forest::Node* nodes, const float* zero_fraction, std::span<const uint32_t> roots, const float* row, size_t num_features,
              int max_depth, const float* rule, float* out, Scratch& scratch) {
    // rule: t | 1 - t | -1/(1 - t) | w, each C * 4 floats.
    const size_t levels = static_cast<size_t>(max_depth) + 2;
    const size_t need = (2 * levels + num_features + 1) * C;
    if (scratch.fast.size() < need) scratch.fast.resize(need);
    if (scratch.edges.size() < levels) scratch.edges.resize(levels);
    if (scratch.last_level.size() < num_features) scratch.last_level.resize(num_features);
    std::fill(scratch.last_level.begin(), scratch.last_level.begin() + static_cast<std::ptrdiff_t>(num_features), -1);
    v4f* base = scratch.fast.data();
    v4f* acc = base + 2 * levels * C;
    std::fill(acc, acc + (num_features + 1) * C, splat(0.0f));
    v4f rule_v[4 * C];
    std::memcpy(rule_v, rule, sizeof rule_v);
    const FastShap<C> shap{nodes, zero_fraction, row, rule_v, rule_v + C, rule_v + 2 * C, base, base + levels * C, acc,
                           scratch.edges.data(), scratch.last_level.data()};
    for (int c = 0; c < C; ++c) base[c] = splat(1.0f);  // Q at a root: the empty product
    for (uint32_t root : roots) shap.recurse(root, 0);
    const v4f* w = rule_v + 3 * C;
    for (size_t f = 0; f < num_features; ++f) {
        v4f sum = splat(0.0f);
        for (int c = 0; c < C; ++c) sum += acc[f * C + c] * w[c];
        out[f] = (sum[0] + sum[1]) + (sum[2] + sum[3]);
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
    Scratch& scratch = thread_scratch();
    const size_t chunks = gauss_rule_.size() / 16;
    const auto run = [&](auto tag) {
        run_fast<decltype(tag)::value>(nodes_.data(), zero_fraction_.data(), tree_roots_, row.data(), num_features_, max_depth_,
                                       gauss_rule_.data(), out.data(), scratch);
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
