// predict_margin's lock-step walk with 8 trees in one AVX2 vector: per level, gathers bring each
// lane's packed node and row value, one comparison moves all 8 lanes. Same layout (packed_) and
// rules (a leaf keeps its lane, the NaN-substituted split row) as the scalar walk, and leaf values
// summed tree by tree: bit-identical margins. Only these functions are compiled for AVX2; the
// Forest picks them at load when the CPU has it (the build itself stays portable).
//
// Path attribution is not here: its AVX2 version (recording each lane's slot and edge per level,
// then adding them in scalar code in the scalar walk's order) was slower than the scalar walk on
// Zen 3, where a gather costs about a cycle per element, see docs/benchmarks.md.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <limits>

#include "vigil/ml/forest.hpp"

namespace vigil::ml {

namespace {

#define VIGIL_AVX2 __attribute__((target("avx2")))

// The 8-byte packed nodes at indices `at` (x Scale bytes): 4 lanes per 64-bit gather (a
// gather costs per element, not per byte), then split into the value and bits vectors in lane order.
template <int Scale>
VIGIL_AVX2 inline void gather_node_heads(const void* base, __m256i at, __m256& value, __m256i& bits) {
    const __m128i lo = _mm256_castsi256_si128(at);
    const __m128i hi = _mm256_extracti128_si256(at, 1);
    const auto* b = static_cast<const long long*>(base);
    // Lanes 0, 1, 4, 5 and 2, 3, 6, 7: the 128-bit shuffles below then give lanes 0..7 in order.
    const __m256 a = _mm256_castsi256_ps(_mm256_i32gather_epi64(b, _mm_unpacklo_epi64(lo, hi), Scale));
    const __m256 c = _mm256_castsi256_ps(_mm256_i32gather_epi64(b, _mm_unpackhi_epi64(lo, hi), Scale));
    value = _mm256_shuffle_ps(a, c, _MM_SHUFFLE(2, 0, 2, 0));
    bits = _mm256_castps_si256(_mm256_shuffle_ps(a, c, _MM_SHUFFLE(3, 1, 3, 1)));
}

// Adds the first `lanes` leaf values to the margin one by one, in tree order (XGBoost's order).
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
        // All node gathers before the row gathers that wait for them: a gather waiting for its
        // inputs holds up the gathers behind it, so the independent ones go first.
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

// Blocks walked together: their gather chains overlap (a dependent gather takes ~35 cycles).
// Measured 1, 2, 4 and 8 on the 300-tree model: 4 is fastest.
constexpr size_t kGroup = 4;

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
    fill_split_row(x, xx);
    const int* packed = reinterpret_cast<const int*>(packed_.data());
    const uint32_t* roots = packed_roots_.data();  // whole blocks: the tail is padded
    const size_t num_trees = tree_roots_.size();
    const size_t num_blocks = block_depth_.size();
    float margin = base_margin_;
    // Up to kGroup blocks per call, their gather chains overlapping. Walking a block past its
    // own depth is harmless (leaves stay put), so a group takes its deepest block's depth.
    for (size_t block = 0; block < num_blocks;) {
        const size_t group = std::min(kGroup, num_blocks - block);
        const int depth = *std::max_element(block_depth_.begin() + static_cast<std::ptrdiff_t>(block),
                                            block_depth_.begin() + static_cast<std::ptrdiff_t>(block + group));
        const uint32_t* group_roots = roots + block * kLanes;
        __m256 values[kGroup];
        switch (group) {
            case 4: packed_blocks<4>(packed, xx, group_roots, depth, values); break;
            case 3: packed_blocks<3>(packed, xx, group_roots, depth, values); break;
            case 2: packed_blocks<2>(packed, xx, group_roots, depth, values); break;
            default: packed_blocks<1>(packed, xx, group_roots, depth, values); break;
        }
        for (size_t k = 0; k < group; ++k) {
            const size_t t = (block + k) * kLanes;
            margin = add_in_order(margin, values[k], std::min(kLanes, num_trees - t));
        }
        block += group;
    }
    return margin;
}

}  // namespace vigil::ml
