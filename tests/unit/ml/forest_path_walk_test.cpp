// The lock-step path-attribution walk (fused 16-byte nodes, 8 trees per block, parked leaves,
// line-aligned trees) against a plain per-tree Saabas reference written here from the model's
// arrays: trees of depths 0 to 4 mixed in one block, missing values going left and right,
// infinities, a repeated feature on a path, tree counts that leave a partial last block, and
// the fallback for models too wide for the walk's stack buffers. predict_margin's AVX2 walk
// against its scalar walk on the same forests. Plus the allocation-free top_k.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "vigil/ml/forest.hpp"

namespace vigil::ml {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// One tree in XGBoost's JSON arrays (node 0 is the root; -1 children mark a leaf).
struct HandTree {
    std::vector<int> left, right, split;
    std::vector<double> cond;  // threshold, or leaf value
    std::vector<int> default_left;
    std::vector<double> hess;
};

std::vector<HandTree> templates() {
    return {
        // depth 0: a single leaf
        {{-1}, {-1}, {0}, {0.3}, {0}, {5}},
        // depth 1: f0 < 0.5, missing goes right
        {{1, -1, -1}, {2, -1, -1}, {0, 0, 0}, {0.5, -0.4, 0.6}, {0, 0, 0}, {10, 4, 6}},
        // depth 2: f1 < 2 (missing left), then f0 < -1 (missing right) on the right
        {{1, -1, 3, -1, -1}, {2, -1, 4, -1, -1}, {1, 0, 0, 0, 0}, {2, 0.1, -1, -0.2, 0.3}, {1, 0, 0, 0, 0},
         {10, 5, 5, 1, 4}},
        // depth 3, children not in breadth-first order in the file (the loader relays it out)
        {{1, 3, -1, -1, 5, -1, -1}, {2, 4, -1, -1, 6, -1, -1}, {2, 1, 0, 0, 0, 0, 0},
         {0, 1, 0.7, -0.3, 0.25, 0.2, -0.6}, {0, 1, 0, 0, 0, 0, 0}, {15, 9, 6, 4, 5, 2, 3}},
        // depth 4, f0 split twice on one path, leaves at depths 1 to 4
        {{1, 3, -1, 5, 7, -1, -1, -1, 9, -1, -1},
         {2, 4, -1, 6, 8, -1, -1, -1, 10, -1, -1},
         {0, 0, 0, 2, 1, 0, 0, 0, 2, 0, 0},
         {0, -1, 0.05, 1, 0.5, -0.5, 0.1, 0.3, 2, -0.1, 0.9},
         {1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0},
         {18, 10, 8, 3, 7, 1, 2, 3, 4, 1.5, 2.5}},
    };
}

template <class T>
std::string join(const std::vector<T>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) s += ',';
        s += std::to_string(v[i]);
    }
    return s;
}

std::string model_json(const std::vector<HandTree>& trees, size_t num_features) {
    std::string t, info;
    for (size_t i = 0; i < trees.size(); ++i) {
        const HandTree& h = trees[i];
        if (i > 0) {
            t += ',';
            info += ',';
        }
        t += R"({"left_children":[)";
        t += join(h.left);
        t += R"(],"right_children":[)";
        t += join(h.right);
        t += R"(],"split_indices":[)";
        t += join(h.split);
        t += R"(],"split_conditions":[)";
        t += join(h.cond);
        t += R"(],"default_left":[)";
        t += join(h.default_left);
        t += R"(],"sum_hessian":[)";
        t += join(h.hess);
        t += "]}";
        info += '0';
    }
    std::string json = R"({"learner":{"gradient_booster":{"model":{"trees":[)";
    json += t;
    json += R"(],"tree_info":[)";
    json += info;
    json += R"(]},"name":"gbtree"},"learner_model_param":{"base_score":"7.5E-1","num_class":"0","num_feature":")";
    json += std::to_string(num_features);
    json += R"(","num_target":"1"},"objective":{"name":"binary:logistic"}}})";
    return json;
}

// Saabas by the book, one tree at a time, in float as the loader computes node means.
struct Reference {
    std::vector<float> contributions;  // num_features + 1, bias last
    float margin = 0.0f;
};

float node_mean(const HandTree& h, int i) {
    if (h.left[i] == -1) return static_cast<float>(h.cond[i]);
    const float m = node_mean(h, h.left[i]) * static_cast<float>(h.hess[h.left[i]]) +
                    node_mean(h, h.right[i]) * static_cast<float>(h.hess[h.right[i]]);
    return m / static_cast<float>(h.hess[i]);
}

Reference saabas(const std::vector<HandTree>& trees, const std::vector<float>& row, float base_margin) {
    Reference r;
    r.contributions.assign(row.size() + 1, 0.0f);
    r.margin = base_margin;
    float bias = base_margin;
    for (const HandTree& h : trees) {
        bias += node_mean(h, 0);
        int i = 0;
        while (h.left[i] != -1) {
            const float x = row[static_cast<size_t>(h.split[i])];
            const bool right = std::isnan(x) ? h.default_left[i] == 0 : x >= static_cast<float>(h.cond[i]);
            const int next = right ? h.right[i] : h.left[i];
            r.contributions[static_cast<size_t>(h.split[i])] += node_mean(h, next) - node_mean(h, i);
            i = next;
        }
        r.margin += static_cast<float>(h.cond[i]);
    }
    r.contributions.back() = bias;
    return r;
}

// Every combination of these values for three features: missing, infinities, values on and
// either side of the thresholds.
std::vector<std::vector<float>> grid_rows() {
    const std::vector<float> values{kNaN, -kInf, -2.0f, -1.0f, 0.0f, 0.25f, 0.5f, 1.0f, 2.0f, 3.0f, kInf};
    std::vector<std::vector<float>> rows;
    for (float a : values)
        for (float b : values)
            for (float c : values) rows.push_back({a, b, c});
    return rows;
}

std::vector<HandTree> forest_of(size_t count) {
    const auto t = templates();
    std::vector<HandTree> trees;
    // A stride of 3 over the 5 templates mixes the depths inside every block of 8.
    for (size_t i = 0; i < count; ++i) trees.push_back(t[(i * 3) % t.size()]);
    return trees;
}

TEST(ForestPathWalk, MatchesPerTreeSaabasForEveryTreeCountAndDepthMix) {
    const auto rows = grid_rows();
    for (size_t count : {1u, 5u, 7u, 8u, 9u, 11u, 16u, 19u}) {
        const auto trees = forest_of(count);
        auto f = Forest::parse_xgboost_json(model_json(trees, 3));
        ASSERT_TRUE(f) << f.error().message;
        ASSERT_EQ(f->num_trees(), count);
        int depth = 0;  // template k has depth k
        for (size_t i = 0; i < count; ++i) depth = std::max(depth, static_cast<int>((i * 3) % 5));
        EXPECT_EQ(f->max_depth(), depth);
        std::vector<float> out(4);
        size_t checked = 0;
        for (const auto& row : rows) {
            const Reference ref = saabas(trees, row, f->base_margin());
            const float margin = f->path_contributions_and_margin(row, out);
            // Bit-identical: same leaves summed in the same (tree) order.
            ASSERT_EQ(margin, f->predict_margin(row)) << count << " trees";
            ASSERT_EQ(margin, ref.margin) << count << " trees";
            for (size_t j = 0; j < 4; ++j)
                ASSERT_NEAR(out[j], ref.contributions[j], 2e-6) << count << " trees, feature " << j;
            ++checked;
        }
        EXPECT_EQ(checked, 1331u);
    }
}

// Blocks whose deepest tree has depth 1 (the walk is only its last step), 2 or 0, with shallower
// trees parked on their leaves before that step.
TEST(ForestPathWalk, ShallowBlocksAndParkedLanes) {
    const auto t = templates();
    const std::vector<std::vector<size_t>> forests{
        {1}, {0, 1, 0}, {1, 1, 1, 1, 1, 1, 1, 1, 1}, {2, 0, 1, 0, 2}, {0, 0, 0, 0, 0, 0, 0, 0, 4}, {4, 4, 0, 1}};
    const auto rows = grid_rows();
    for (const auto& pick : forests) {
        std::vector<HandTree> trees;
        for (size_t k : pick) trees.push_back(t[k]);
        auto f = Forest::parse_xgboost_json(model_json(trees, 3));
        ASSERT_TRUE(f) << f.error().message;
        std::vector<float> out(4);
        for (const auto& row : rows) {
            const Reference ref = saabas(trees, row, f->base_margin());
            const float margin = f->path_contributions_and_margin(row, out);
            ASSERT_EQ(margin, ref.margin) << pick.size() << " trees";
            ASSERT_EQ(margin, f->predict_margin(row));
            for (size_t j = 0; j < 4; ++j) ASSERT_NEAR(out[j], ref.contributions[j], 2e-6) << "feature " << j;
        }
    }
}

TEST(ForestPathWalk, ContributionsOfASingleRowByHand) {
    // Tree "depth 1" alone: f0 missing goes right to 0.6; the root mean is (4*-0.4 + 6*0.6)/10 = 0.2.
    auto f = Forest::parse_xgboost_json(model_json({templates()[1]}, 3));
    ASSERT_TRUE(f);
    std::vector<float> out(4);
    const float margin = f->path_contributions_and_margin(std::vector<float>{kNaN, 0.0f, 0.0f}, out);
    EXPECT_FLOAT_EQ(margin, std::log(3.0f) + 0.6f);
    EXPECT_NEAR(out[0], 0.4f, 1e-6);
    EXPECT_EQ(out[1], 0.0f);
    EXPECT_EQ(out[2], 0.0f);
    EXPECT_NEAR(out[3], std::log(3.0f) + 0.2f, 1e-6);
}

// Wider than the walk's stack buffers: the per-tree loop must give the same answers.
TEST(ForestPathWalk, WideModelsTakeThePerTreeLoopWithTheSameResults) {
    const auto trees = forest_of(11);
    auto narrow = Forest::parse_xgboost_json(model_json(trees, 3));
    auto wide = Forest::parse_xgboost_json(model_json(trees, 300));
    ASSERT_TRUE(narrow && wide);
    std::vector<float> a(4), b(301);
    std::vector<float> wide_row(300, kNaN);
    for (const auto& row : grid_rows()) {
        std::copy(row.begin(), row.end(), wide_row.begin());
        const float ma = narrow->path_contributions_and_margin(row, a);
        const float mb = wide->path_contributions_and_margin(wide_row, b);
        ASSERT_EQ(ma, mb);
        ASSERT_EQ(mb, wide->predict_margin(wide_row));
        for (size_t j = 0; j < 3; ++j) ASSERT_NEAR(a[j], b[j], 2e-6);
        for (size_t j = 3; j < 300; ++j) ASSERT_EQ(b[j], 0.0f);
        ASSERT_EQ(a[3], b[300]);
    }
}

TEST(ForestPathWalk, WrongWidthsGiveNaN) {
    auto f = Forest::parse_xgboost_json(model_json(forest_of(9), 3));
    ASSERT_TRUE(f);
    std::vector<float> out(4, 1.0f), short_out(3, 1.0f);
    EXPECT_TRUE(std::isnan(f->path_contributions_and_margin(std::vector<float>{0.0f, 0.0f}, out)));
    EXPECT_TRUE(std::isnan(out[0]));
    EXPECT_TRUE(std::isnan(f->path_contributions_and_margin(std::vector<float>{0.0f, 0.0f, 0.0f}, short_out)));
    const Forest empty;
    EXPECT_EQ(empty.path_contributions_and_margin({}, std::span<float>(out).first(1)), 0.0f);
}

// Bit patterns, so -0 vs +0 or NaN payloads cannot pass as equal.
uint32_t bits(float v) {
    uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

// predict_margin's AVX2 walk (groups of 4 blocks of 8 trees, a last group of 1 to 4 blocks, the
// tail block padded) against the scalar walk (whole blocks, then the tail trees one by one):
// trees of depths 0 to 4 mixed in every block and group, missing values going left and right,
// infinities, tails of 0 to 7 trees. Both must also equal the reference and the attribution
// walk's margin.
TEST(ForestPathWalk, Avx2AndScalarPredictWalksGiveTheSameMarginBits) {
    const auto rows = grid_rows();
    for (size_t count : {1u, 7u, 8u, 13u, 21u, 31u, 32u, 33u, 40u, 47u, 53u, 64u, 70u}) {
        const auto trees = forest_of(count);
        auto simd = Forest::parse_xgboost_json(model_json(trees, 3));
        ASSERT_TRUE(simd) << simd.error().message;
        Forest scalar = *simd;
        EXPECT_FALSE(scalar.set_avx2_walk(false));
        if (!simd->avx2_walk()) GTEST_SKIP() << "this CPU has no AVX2: only the scalar walk can run";
        std::vector<float> out(4);
        for (const auto& row : rows) {
            const float a = simd->predict_margin(row);
            const float b = scalar.predict_margin(row);
            ASSERT_EQ(bits(a), bits(b)) << count << " trees, row " << row[0] << ',' << row[1] << ',' << row[2];
            ASSERT_EQ(bits(a), bits(saabas(trees, row, simd->base_margin()).margin)) << count << " trees";
            ASSERT_EQ(bits(a), bits(scalar.path_contributions_and_margin(row, out))) << count << " trees";
            ASSERT_EQ(bits(simd->predict_proba(row)), bits(scalar.predict_proba(row)));
        }
    }
}

TEST(ForestPathWalk, Avx2WalkCanBeSwitchedOffAndOnAgain) {
    auto f = Forest::parse_xgboost_json(model_json(forest_of(9), 3));
    ASSERT_TRUE(f);
    const bool supported = f->avx2_walk();  // on exactly when the CPU has AVX2
    EXPECT_FALSE(f->set_avx2_walk(false));
    EXPECT_FALSE(f->avx2_walk());
    EXPECT_EQ(f->set_avx2_walk(true), supported);
    const Forest empty;
    EXPECT_FALSE(empty.avx2_walk());  // no model loaded: nothing was selected
}

// Independent of the code under test: sort every non-zero contribution, keep k.
std::vector<FeatureContribution> sorted_top(const std::vector<float>& c, size_t k) {
    std::vector<FeatureContribution> all;
    for (size_t i = 0; i + 1 < c.size(); ++i)
        if (c[i] != 0.0f) all.push_back({static_cast<uint32_t>(i), c[i]});
    std::sort(all.begin(), all.end(), [](const FeatureContribution& a, const FeatureContribution& b) {
        return std::fabs(a.value) != std::fabs(b.value) ? std::fabs(a.value) > std::fabs(b.value) : a.feature < b.feature;
    });
    if (all.size() > k) all.resize(k);
    return all;
}

TEST(ForestTopKIntoArray, MatchesAFullSortInBothForms) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    for (int round = 0; round < 200; ++round) {
        std::vector<float> c(76);
        for (float& v : c) v = (rng() % 3 == 0) ? 0.0f : value(rng);
        if (round % 7 == 0) c[3] = -c[9];  // a tie in magnitude: the lower feature wins
        for (size_t k : {0u, 1u, 5u, 20u, 80u}) {
            const auto expected = sorted_top(c, k);
            std::vector<FeatureContribution> out(k, FeatureContribution{999, 9.0f});
            const size_t n = Forest::top_k(c, out);
            const auto vec = Forest::top_k(c, k);
            ASSERT_EQ(n, expected.size());
            ASSERT_EQ(vec.size(), expected.size());
            for (size_t i = 0; i < n; ++i) {
                ASSERT_EQ(out[i].feature, expected[i].feature) << round << " k=" << k << " i=" << i;
                ASSERT_EQ(out[i].value, expected[i].value);
                ASSERT_EQ(vec[i].feature, expected[i].feature);
            }
        }
    }
    const std::vector<float> c{0.1f, -0.5f, 0.0f, 0.3f, 9.0f /*bias*/};
    FeatureContribution two[2];
    ASSERT_EQ(Forest::top_k(c, two), 2u);
    EXPECT_EQ(two[0].feature, 1u);
    EXPECT_EQ(two[1].feature, 3u);
    FeatureContribution four[4];
    EXPECT_EQ(Forest::top_k(c, four), 3u);  // zero contributions and the bias are not reasons
    EXPECT_EQ(Forest::top_k(std::span<const float>{}, four), 0u);
}

}  // namespace
}  // namespace vigil::ml
