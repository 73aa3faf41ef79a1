// The lock-step forest walks of forest.cpp with 8 trees in one AVX2 vector: per level, gathers
// bring each lane's node and row value, one comparison picks the children of all 8 lanes. Same
// layouts (packed_, walk_) and same rules (parked leaves, the NaN-substituted split row), so the
// results are bit-identical to the scalar walks: leaf values are summed tree by tree, and the
// attribution walk records each lane's (slot, delta) per level, then adds them in scalar code in
// the scalar walk's order (block, level, lane). Only these functions are compiled for AVX2; the
// Forest picks them at load when the CPU has it (the build itself stays portable).
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "vigil/ml/forest.hpp"

namespace vigil::ml {

namespace {

#define VIGIL_AVX2 __attribute__((target("avx2")))
#ifndef VIGIL_WALK_GROUP
#define VIGIL_WALK_GROUP 4
#endif

// One level of one block: the slot each lane's split read, and where the mean change of the
// edge it took is (byte offset from the first node's delta_left). The delta is read in the
// scalar pass, not gathered: on Zen 3 a gather costs about a cycle per element, a scalar load a third.
struct alignas(32) LevelRecord {
    uint32_t slot[8];
    int32_t delta_at[8];
};

// The first 8 bytes of 8 nodes at byte offsets `at` (x scale): 4 lanes per 64-bit gather (a
// gather costs per element, not per byte), then split into the value and bits vectors in lane order.
template <int Scale>
__attribute__((target("avx2"))) inline void gather_node_heads(const void* base, __m256i at, __m256& value,
                                                             __m256i& bits) {
    const __m128i lo = _mm256_castsi256_si128(at);
    const __m128i hi = _mm256_extracti128_si256(at, 1);
    const auto* b = static_cast<const long long*>(base);
    // Lanes 0, 1, 4, 5 and 2, 3, 6, 7: the 128-bit shuffles below then give lanes 0..7 in order.
    const __m256 a = _mm256_castsi256_ps(_mm256_i32gather_epi64(b, _mm_unpacklo_epi64(lo, hi), Scale));
    const __m256 c = _mm256_castsi256_ps(_mm256_i32gather_epi64(b, _mm_unpackhi_epi64(lo, hi), Scale));
    value = _mm256_shuffle_ps(a, c, _MM_SHUFFLE(2, 0, 2, 0));
    bits = _mm256_castps_si256(_mm256_shuffle_ps(a, c, _MM_SHUFFLE(3, 1, 3, 1)));
}

// The row twice, NaN -> -inf in [0, F) and -> +inf in [F, 2F) (see Forest::fill_split_row).
VIGIL_AVX2 void fill_split_row_avx2(const float* x, size_t f, float* xx) {
    const __m256 neg_inf = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    const __m256 pos_inf = _mm256_set1_ps(std::numeric_limits<float>::infinity());
    size_t j = 0;
    for (; j + 8 <= f; j += 8) {
        const __m256 v = _mm256_loadu_ps(x + j);
        const __m256 missing = _mm256_cmp_ps(v, v, _CMP_UNORD_Q);
        _mm256_storeu_ps(xx + j, _mm256_blendv_ps(v, neg_inf, missing));
        _mm256_storeu_ps(xx + f + j, _mm256_blendv_ps(v, pos_inf, missing));
    }
    for (; j < f; ++j) {
        const float v = x[j];
        const bool missing = v != v;
        xx[j] = missing ? -std::numeric_limits<float>::infinity() : v;
        xx[f + j] = missing ? std::numeric_limits<float>::infinity() : v;
    }
}

// Sums 8 lanes' leaf values into the margin one by one, in tree order (XGBoost's order).
VIGIL_AVX2 inline float add_in_order(float margin, __m256 values, size_t lanes) {
    alignas(32) float v[8];
    _mm256_store_ps(v, values);
    if (lanes == 8) {
#pragma GCC unroll 8
        for (size_t l = 0; l < 8; ++l) margin += v[l];
    } else {
        for (size_t l = 0; l < lanes; ++l) margin += v[l];
    }
    return margin;
}

// N blocks of 8 trees over the 8-byte packed nodes, `depth` levels; returns each lane's leaf
// value. A leaf has child offset 0: its lane stays (the offset test masks the step).
template <int N>
VIGIL_AVX2 inline void packed_blocks(const int* packed, const float* xx, const uint32_t* roots, int depth,
                                     __m256* values) {
    const __m256i low16 = _mm256_set1_epi32(0xffff);
    const __m256i zero = _mm256_setzero_si256();
    const float* value_base = reinterpret_cast<const float*>(packed);
    __m256i idx[N];
#pragma GCC unroll 4
    for (int k = 0; k < N; ++k) idx[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(roots + 8 * k));
    for (int d = 0; d < depth; ++d) {
        __m256 threshold[N];
        __m256i bits[N];
        // All node gathers before the row gathers that wait for them (see attribution_blocks).
#pragma GCC unroll 4
        for (int k = 0; k < N; ++k) gather_node_heads<8>(packed, idx[k], threshold[k], bits[k]);
#pragma GCC unroll 4
        for (int k = 0; k < N; ++k) {
            const __m256 x = _mm256_i32gather_ps(xx, _mm256_srli_epi32(bits[k], 16), 4);
            const __m256i go_right = _mm256_castps_si256(_mm256_cmp_ps(x, threshold[k], _CMP_GE_OQ));  // -1 or 0
            const __m256i offset = _mm256_and_si256(bits[k], low16);
            const __m256i step = _mm256_andnot_si256(_mm256_cmpeq_epi32(offset, zero), _mm256_sub_epi32(offset, go_right));
            idx[k] = _mm256_add_epi32(idx[k], step);
        }
    }
#pragma GCC unroll 4
    for (int k = 0; k < N; ++k) values[k] = _mm256_i32gather_ps(value_base, idx[k], 8);
}

// The scalar walk's order: level by level, lane by lane, one block after the other.
// `deltas` points at the first node's delta_left.
inline void add_records(const LevelRecord* rec, int levels, const char* deltas, float* acc) {
    for (int d = 0; d < levels; ++d) {
        const LevelRecord& r = rec[d];
#pragma GCC unroll 8
        for (size_t l = 0; l < 8; ++l) acc[r.slot[l]] += *reinterpret_cast<const float*>(deltas + r.delta_at[l]);
    }
}

// N blocks of 8 trees over walk_ (16-byte WalkNode {value, offset | slot << 16, delta[2]}), all
// of depth `depth` >= 1: records (slot, delta) per level into rec[k * depth + level] and returns
// the leaf values. The last step reads full-depth leaves from `leaves` (the last split's offset
// indexes them from the tree's leaf base); a lane parked on a shallower leaf keeps that node's
// value (masked gather). A parked lane reads slot 2F (NaN: never right) and delta 0.
template <int N>
VIGIL_AVX2 inline void attribution_blocks(const char* nodes, const float* xx, const float* leaves,
                                          const uint32_t* roots, const uint32_t* leaf_base, int depth,
                                          uint32_t leaf_slot, LevelRecord* rec, __m256* values,
                                          const LevelRecord* pending, int pending_levels, const char* deltas,
                                          float* acc) {
    const __m256i low16 = _mm256_set1_epi32(0xffff);
    __m256i idx[N];
#pragma GCC unroll 4
    for (int k = 0; k < N; ++k) {
        idx[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(roots + 8 * k));
        values[k] = _mm256_setzero_ps();  // set by the last step (depth >= 1)
    }
    for (int d = 0;; ++d) {
        const bool last = d + 1 == depth;
        // All blocks' node gathers before any row gather: a gather waiting for its inputs holds
        // up the gathers behind it, so the independent ones go first.
        __m256i at[N], bits[N];
        __m256 threshold[N];
#pragma GCC unroll 4
        for (int k = 0; k < N; ++k) {
            at[k] = _mm256_slli_epi32(idx[k], 4);  // byte offset of the node
            gather_node_heads<1>(nodes, at[k], threshold[k], bits[k]);
        }
#pragma GCC unroll 4
        for (int k = 0; k < N; ++k) {
            const __m256i slot = _mm256_srli_epi32(bits[k], 16);
            const __m256 x = _mm256_i32gather_ps(xx, slot, 4);
            const __m256i go_right = _mm256_castps_si256(_mm256_cmp_ps(x, threshold[k], _CMP_GE_OQ));  // -1 or 0
            LevelRecord& r = rec[k * depth + d];
            _mm256_store_si256(reinterpret_cast<__m256i*>(r.slot), slot);
            _mm256_store_si256(reinterpret_cast<__m256i*>(r.delta_at),
                               _mm256_sub_epi32(at[k], _mm256_slli_epi32(go_right, 2)));
            const __m256i step = _mm256_sub_epi32(_mm256_and_si256(bits[k], low16), go_right);
            if (!last) {
                idx[k] = _mm256_add_epi32(idx[k], step);
            } else {
                const __m256i base = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(leaf_base + 8 * k));
                const __m256i parked = _mm256_cmpeq_epi32(slot, _mm256_set1_epi32(static_cast<int>(leaf_slot)));
                const __m256 in_leaves = _mm256_castsi256_ps(_mm256_xor_si256(parked, _mm256_set1_epi32(-1)));
                values[k] = _mm256_mask_i32gather_ps(threshold[k], leaves, _mm256_add_epi32(base, step), in_leaves, 4);
            }
        }
        // The previous group's records, a share per level: scalar loads and adds that fill the
        // gaps while this level's gathers wait (in order, so the summation order is unchanged).
        const int from = d * pending_levels / depth, to = (d + 1) * pending_levels / depth;
        add_records(pending + from, to - from, deltas, acc);
        if (last) break;
    }
}

// Blocks walked together (their gather chains overlap; a level's gathers take ~20 cycles).
constexpr size_t kGroup = VIGIL_WALK_GROUP;

}  // namespace

bool Forest::cpu_has_avx2() {
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_cpu_supports("avx2");
#else
    return false;
#endif
}

VIGIL_AVX2 float Forest::predict_margin_avx2(const float* x) const {
    alignas(32) float xx[2 * kMaxAvx2PredictFeatures];
    fill_split_row_avx2(x, num_features_, xx);
    const int* packed = reinterpret_cast<const int*>(packed_.data());
    const uint32_t* roots = tree_roots_.data();
    const size_t num_trees = tree_roots_.size();
    const size_t full_blocks = num_trees / kLanes;
    float margin = base_margin_;
    size_t block = 0;
    // kGroup blocks per loop, their gather chains overlapping. Walking a block past its own
    // depth is harmless (leaves stay put), so the group takes its deepest block's depth.
    for (; block + kGroup <= full_blocks; block += kGroup) {
        __m256 values[kGroup];
        const int depth = *std::max_element(block_depth_.begin() + static_cast<std::ptrdiff_t>(block),
                                            block_depth_.begin() + static_cast<std::ptrdiff_t>(block + kGroup));
        packed_blocks<kGroup>(packed, xx, roots + block * kLanes, depth, values);
        for (size_t k = 0; k < kGroup; ++k) margin = add_in_order(margin, values[k], kLanes);
    }
    for (; block < full_blocks; ++block) {
        __m256 values[1];
        packed_blocks<1>(packed, xx, roots + block * kLanes, block_depth_[block], values);
        margin = add_in_order(margin, values[0], kLanes);
    }
    for (size_t t = full_blocks * kLanes; t < num_trees; ++t) margin += tree_margin(roots[t], x);
    return margin;
}

VIGIL_AVX2 float Forest::walk_with_attribution_avx2(const float* x, float* contrib) const {
    const size_t f = num_features_;
    const size_t num_trees = tree_roots_.size();
    alignas(32) float xx[2 * kMaxWalkFeatures + 1];
    fill_split_row_avx2(x, f, xx);
    xx[2 * f] = std::numeric_limits<float>::quiet_NaN();  // the leaves' slot: never goes right
    alignas(32) float acc[2 * kMaxWalkFeatures + 8];
    for (size_t j = 0; j < 2 * f + 1; j += 8) _mm256_store_ps(acc + j, _mm256_setzero_ps());
    const char* nodes = reinterpret_cast<const char*>(walk_.data());
    const char* deltas = reinterpret_cast<const char*>(walk_.data()->delta);
    const uint32_t* roots = walk_roots_.data();
    const uint32_t* leaf_base = walk_leaf_base_.data();
    const float* leaves = walk_leaves_.data();
    const uint32_t leaf_slot = static_cast<uint32_t>(2 * f);
    const size_t num_blocks = walk_block_depth_.size();
    // Each group's records are added while the next group walks (double-buffered): kGroup
    // blocks of at most 64 levels (the loader's depth limit).
    LevelRecord records[2][kGroup * 64];
    const LevelRecord* pending = nullptr;
    int pending_levels = 0;
    size_t parity = 0;
    float margin = base_margin_;
    for (size_t block = 0; block < num_blocks;) {
        const size_t t = block * kWalkLanes;
        const int depth = walk_block_depth_[block];
        if (depth == 0) {  // every lane is on its root leaf
            const __m256i at = _mm256_slli_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(roots + t)), 4);
            margin = add_in_order(margin, _mm256_i32gather_ps(reinterpret_cast<const float*>(nodes), at, 1),
                                  std::min(kWalkLanes, num_trees - t));
            ++block;
            continue;
        }
        // Up to kGroup blocks of one depth at a time: independent gather chains that overlap.
        // (The last step's leaf indexing is tied to a block's own depth, so depths must match.)
        size_t group = 1;
        while (group < kGroup && block + group < num_blocks && walk_block_depth_[block + group] == depth) ++group;
        __m256 values[kGroup];
        LevelRecord* rec = records[parity];
        if (group == kGroup) {
            attribution_blocks<kGroup>(nodes, xx, leaves, roots + t, leaf_base + t, depth, leaf_slot, rec, values,
                                       pending, pending_levels, deltas, acc);
        } else {
            group = 1;
            attribution_blocks<1>(nodes, xx, leaves, roots + t, leaf_base + t, depth, leaf_slot, rec, values,
                                  pending, pending_levels, deltas, acc);
        }
        pending = rec;
        pending_levels = static_cast<int>(group) * depth;
        parity ^= 1;
        for (size_t k = 0; k < group; ++k)
            margin = add_in_order(margin, values[k], std::min(kWalkLanes, num_trees - t - k * kWalkLanes));
        block += group;
    }
    add_records(pending, pending_levels, deltas, acc);
    size_t j = 0;
    for (; j + 8 <= f; j += 8)
        _mm256_storeu_ps(contrib + j, _mm256_add_ps(_mm256_load_ps(acc + j), _mm256_loadu_ps(acc + f + j)));
    for (; j < f; ++j) contrib[j] = acc[j] + acc[f + j];
    return margin;
}

}  // namespace vigil::ml
