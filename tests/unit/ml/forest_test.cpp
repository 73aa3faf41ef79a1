// Native forest engine and TreeSHAP checked against XGBoost itself on models trained here from
// seeded synthetic data, plus hand-written models for layout, missing values and rejection.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <numeric>
#include <string>
#include <thread>

#include <unistd.h>

#include "vigil/ml/forest.hpp"
#include "vigil/ml/xgboost.hpp"

namespace vigil::ml {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct TrainedModel {
    std::string json;
    Forest forest;
    std::unique_ptr<Booster> booster;
    DenseData test;
};

// Trains `rounds` trees of `depth` on seeded synthetic data (no early stopping), loads the JSON
// into both the native engine and a fresh XGBoost booster.
std::unique_ptr<TrainedModel> train_model(size_t cols, int rounds, int depth, size_t test_rows, uint64_t seed,
                                          double nan_fraction = 0.05) {
    const DenseData train = make_synthetic_binary(4000, cols, nan_fraction, seed);
    const DenseData valid = make_synthetic_binary(1000, cols, nan_fraction, seed + 1);
    TrainParams p;
    p.max_rounds = rounds;
    p.early_stopping_rounds = 0;
    p.max_depth = depth;
    p.eta = 0.3;
    p.subsample = 0.8;
    p.colsample_bytree = 0.8;
    p.nthread = 1;
    p.seed = seed;
    auto out = train_binary(train, valid, p);
    if (!out) {
        ADD_FAILURE() << out.error().message;
        return nullptr;
    }
    auto m = std::make_unique<TrainedModel>();
    m->json = out->model_json;
    auto forest = Forest::parse_xgboost_json(m->json);
    if (!forest) {
        ADD_FAILURE() << forest.error().message;
        return nullptr;
    }
    m->forest = std::move(*forest);
    auto booster = Booster::load_model_from_buffer(m->json);
    if (!booster) {
        ADD_FAILURE() << booster.error().message;
        return nullptr;
    }
    m->booster = std::make_unique<Booster>(std::move(*booster));
    m->test = make_synthetic_binary(test_rows, cols, nan_fraction, seed + 2);
    return m;
}

class ForestVsXgboost : public ::testing::Test {
protected:
    static void SetUpTestSuite() { model_ = train_model(40, 100, 6, 12000, 7).release(); }
    static void TearDownTestSuite() {
        delete model_;
        model_ = nullptr;
    }
    void SetUp() override { ASSERT_NE(model_, nullptr); }
    static TrainedModel* model_;
};
TrainedModel* ForestVsXgboost::model_ = nullptr;

// One test for the cheap checks: under ctest every test is its own process and retrains.
TEST_F(ForestVsXgboost, ShapeSingleRowFileLoadAndBadWidth) {
    EXPECT_EQ(model_->forest.num_features(), 40u);
    EXPECT_EQ(model_->forest.num_trees(), 100u);
    EXPECT_EQ(model_->forest.max_depth(), 6);

    auto dm = DMatrix::from_dense(model_->test.row(3), 1, 40);
    ASSERT_TRUE(dm);
    auto batch = model_->booster->predict(*dm);
    auto single = model_->booster->predict_row(model_->test.row(3));
    ASSERT_TRUE(single) << single.error().message;
    EXPECT_FLOAT_EQ(*single, (*batch)[0]);
    EXPECT_NEAR(*single, model_->forest.predict_proba(model_->test.row(3)), 1e-6);

    // Loading from a file gives the same engine; a missing file is an I/O error.
    const auto path =
        std::filesystem::temp_directory_path() / ("vigil_forest_test_" + std::to_string(::getpid()) + ".json");
    {
        std::ofstream out(path);
        out << model_->json;
    }
    auto f = Forest::load_xgboost_json(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->predict_margin(model_->test.row(5)), model_->forest.predict_margin(model_->test.row(5)));
    auto missing = Forest::load_xgboost_json(path);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::kIo);

    // A row of the wrong width gives NaN, not an out-of-bounds read.
    std::vector<float> short_row(10, 0.0f);
    EXPECT_TRUE(std::isnan(model_->forest.predict_margin(short_row)));
    std::vector<float> out(41);
    model_->forest.shap_values_path(short_row, out);
    EXPECT_TRUE(std::isnan(out[0]));
    model_->forest.shap_values(short_row, out);
    EXPECT_TRUE(std::isnan(out[0]));
}

TEST_F(ForestVsXgboost, ProbabilityAndMarginAgreeOnTwelveThousandRows) {
    const DenseData& d = model_->test;
    auto dm = DMatrix::from_data(d);
    ASSERT_TRUE(dm) << dm.error().message;
    auto proba = model_->booster->predict(*dm, PredictKind::kProbability);
    auto margin = model_->booster->predict(*dm, PredictKind::kMargin);
    ASSERT_TRUE(proba && margin);
    ASSERT_EQ(proba->size(), d.num_rows);
    double max_dp = 0, max_dm = 0;
    size_t with_nan = 0;
    for (size_t i = 0; i < d.num_rows; ++i) {
        const auto row = d.row(i);
        with_nan += std::any_of(row.begin(), row.end(), [](float v) { return std::isnan(v); });
        max_dp = std::max(max_dp, std::fabs(double(model_->forest.predict_proba(row)) - (*proba)[i]));
        max_dm = std::max(max_dm, std::fabs(double(model_->forest.predict_margin(row)) - (*margin)[i]));
    }
    EXPECT_GT(with_nan, d.num_rows / 2) << "the comparison must exercise missing values";
    std::printf("max |native - xgboost|: probability %.3g, margin %.3g over %zu rows\n", max_dp, max_dm, d.num_rows);
    EXPECT_LE(max_dp, 1e-5);
    EXPECT_LE(max_dm, 1e-5);
    // Batch path gives the same numbers as the single-row path.
    std::vector<float> batch(d.num_rows);
    model_->forest.predict_proba_batch(d.values, batch);
    for (size_t i = 0; i < d.num_rows; i += 97) EXPECT_EQ(batch[i], model_->forest.predict_proba(d.row(i)));
}

TEST_F(ForestVsXgboost, TreeShapMatchesXgboostContribsOn3000Rows) {
    const size_t rows = 3000, width = 41;
    auto dm = DMatrix::from_dense(std::span<const float>(model_->test.values).first(rows * 40), rows, 40);
    ASSERT_TRUE(dm);
    auto ref = model_->booster->predict(*dm, PredictKind::kContribs);
    ASSERT_TRUE(ref) << ref.error().message;
    ASSERT_EQ(ref->size(), rows * width);
    std::vector<float> phi(width), fast(width);
    double max_d = 0, max_fast = 0, max_sum = 0;
    for (size_t i = 0; i < rows; ++i) {
        const auto row = model_->test.row(i);
        model_->forest.shap_values_path(row, phi);
        model_->forest.shap_values(row, fast);
        for (size_t j = 0; j < width; ++j) {
            max_d = std::max(max_d, std::fabs(double(phi[j]) - (*ref)[i * width + j]));
            max_fast = std::max(max_fast, std::fabs(double(fast[j]) - (*ref)[i * width + j]));
        }
        const double margin = model_->forest.predict_margin(row);
        max_sum = std::max(max_sum, std::fabs(std::accumulate(phi.begin(), phi.end(), 0.0) - margin));
        max_sum = std::max(max_sum, std::fabs(std::accumulate(fast.begin(), fast.end(), 0.0) - margin));
    }
    std::printf("max |native - xgboost| SHAP: Algorithm 2 %.3g, quadrature %.3g; max |sum - margin| %.3g\n", max_d,
                max_fast, max_sum);
    EXPECT_LE(max_d, 1e-4);
    EXPECT_LE(max_fast, 1e-4);
    EXPECT_LE(max_sum, 1e-4);
}

TEST_F(ForestVsXgboost, PathContributionsMatchXgboostApproxAndSumToMargin) {
    const size_t rows = 2000, width = 41;
    auto dm = DMatrix::from_dense(std::span<const float>(model_->test.values).first(rows * 40), rows, 40);
    ASSERT_TRUE(dm);
    auto ref = model_->booster->predict(*dm, PredictKind::kApproxContribs);
    ASSERT_TRUE(ref) << ref.error().message;
    std::vector<float> c(width);
    double max_d = 0, max_sum = 0;
    for (size_t i = 0; i < rows; ++i) {
        model_->forest.path_contributions(model_->test.row(i), c);
        for (size_t j = 0; j < width; ++j) max_d = std::max(max_d, std::fabs(double(c[j]) - (*ref)[i * width + j]));
        const double margin = model_->forest.predict_margin(model_->test.row(i));
        max_sum = std::max(max_sum, std::fabs(std::accumulate(c.begin(), c.end(), 0.0) - margin));
    }
    EXPECT_LE(max_d, 1e-4);
    EXPECT_LE(max_sum, 1e-4);
}

TEST_F(ForestVsXgboost, FusedPathWalkGivesTheExactPredictMarginAndTheSameContributions) {
    const size_t rows = 2000, width = 41;
    std::vector<float> fused(width), plain(width);
    size_t identical_margins = 0;
    for (size_t i = 0; i < rows; ++i) {
        const float margin = model_->forest.path_contributions_and_margin(model_->test.row(i), fused);
        identical_margins += margin == model_->forest.predict_margin(model_->test.row(i));
        model_->forest.path_contributions(model_->test.row(i), plain);
        for (size_t j = 0; j < width; ++j) ASSERT_EQ(fused[j], plain[j]) << "row " << i << " feature " << j;
    }
    EXPECT_EQ(identical_margins, rows);  // bit-identical, so a verdict never depends on which walk ran
}

// The server scores on several threads with one shared Forest; scratch is thread-local.
TEST_F(ForestVsXgboost, ConcurrentShapAndPredictMatchSingleThreaded) {
    const size_t rows = 300, width = 41;
    std::vector<float> expected(rows * width), expected_p(rows);
    for (size_t i = 0; i < rows; ++i) {
        model_->forest.shap_values(model_->test.row(i), std::span<float>(expected).subspan(i * width, width));
        expected_p[i] = model_->forest.predict_proba(model_->test.row(i));
    }
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::vector<float> out(width);
            for (int round = 0; round < 3; ++round)
                for (size_t i = 0; i < rows; ++i) {
                    model_->forest.shap_values(model_->test.row(i), out);
                    if (!std::equal(out.begin(), out.end(), expected.begin() + static_cast<std::ptrdiff_t>(i * width)))
                        ++mismatches[t];
                    if (model_->forest.predict_proba(model_->test.row(i)) != expected_p[i]) ++mismatches[t];
                }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

// Few features and deep trees: the same feature is split on repeatedly along a path, which is
// what the unwind step of Algorithm 2 (and the shadowing in the fast variant) must handle.
TEST(ForestRepeatedFeatures, TreeShapMatchesXgboostWhenFeaturesRepeatOnPaths) {
    auto m = train_model(4, 30, 9, 1500, 21, 0.15);
    ASSERT_NE(m, nullptr);
    const size_t rows = m->test.num_rows, width = 5;
    auto dm = DMatrix::from_data(m->test);
    ASSERT_TRUE(dm);
    auto ref = m->booster->predict(*dm, PredictKind::kContribs);
    auto margin = m->booster->predict(*dm, PredictKind::kMargin);
    ASSERT_TRUE(ref && margin);
    std::vector<float> phi(width), fast(width);
    double max_d = 0, max_fast = 0, max_m = 0;
    for (size_t i = 0; i < rows; ++i) {
        m->forest.shap_values_path(m->test.row(i), phi);
        m->forest.shap_values(m->test.row(i), fast);
        for (size_t j = 0; j < width; ++j) {
            max_d = std::max(max_d, std::fabs(double(phi[j]) - (*ref)[i * width + j]));
            max_fast = std::max(max_fast, std::fabs(double(fast[j]) - (*ref)[i * width + j]));
        }
        max_m = std::max(max_m, std::fabs(double(m->forest.predict_margin(m->test.row(i))) - (*margin)[i]));
    }
    EXPECT_GE(m->forest.max_depth(), 7);
    EXPECT_LE(max_m, 1e-5);
    EXPECT_LE(max_d, 1e-4);
    EXPECT_LE(max_fast, 1e-4);

    // Path attribution on the same model: 30 trees (a partial last block of the 8-tree walk),
    // depths up to 9, repeated features.
    auto approx = m->booster->predict(*dm, PredictKind::kApproxContribs);
    ASSERT_TRUE(approx);
    std::vector<float> saabas(width);
    double max_saabas = 0;
    for (size_t i = 0; i < rows; ++i) {
        const float walk_margin = m->forest.path_contributions_and_margin(m->test.row(i), saabas);
        ASSERT_EQ(walk_margin, m->forest.predict_margin(m->test.row(i)));
        for (size_t j = 0; j < width; ++j)
            max_saabas = std::max(max_saabas, std::fabs(double(saabas[j]) - (*approx)[i * width + j]));
    }
    EXPECT_LE(max_saabas, 1e-4);
}

// A hand-written two-tree model: tree 0 splits f0 < 0.5 (missing -> right), tree 1 splits
// f1 < 2 (missing -> left) and then f0 < -1 on its right side.
std::string tiny_model(const std::string& objective = "binary:logistic", const std::string& booster = "gbtree",
                       const std::string& num_class = "0", const std::string& split_type = "0,0,0") {
    return R"({"learner":{"feature_names":["a","b"],"gradient_booster":{"model":{"gbtree_model_param":{"num_trees":"2"},
  "tree_info":[0,0],"trees":[
  {"left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[0,0,0],"split_conditions":[0.5,-0.4,0.6],
   "default_left":[0,0,0],"sum_hessian":[10,4,6],"base_weights":[0,-0.4,0.6],"split_type":[)" + split_type + R"(],"categories":[]},
  {"left_children":[1,-1,3,-1,-1],"right_children":[2,-1,4,-1,-1],"split_indices":[1,0,0,0,0],
   "split_conditions":[2,0.1,-1,-0.2,0.3],"default_left":[1,0,0,0,0],"sum_hessian":[10,5,5,1,4],
   "base_weights":[0,0.1,0,-0.2,0.3],"split_type":[0,0,0,0,0],"categories":[]}]},"name":")" + booster + R"("},
  "learner_model_param":{"base_score":"7.5E-1","num_class":")" + num_class + R"(","num_feature":"2","num_target":"1"},
  "objective":{"name":")" + objective + R"("}},"version":[1,7,4]})";
}

TEST(ForestHandModel, FollowsSplitsAndMissingDirections) {
    auto f = Forest::parse_xgboost_json(tiny_model());
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->num_trees(), 2u);
    EXPECT_EQ(f->num_nodes(), 8u);
    EXPECT_EQ(f->max_depth(), 2);
    EXPECT_EQ(f->feature_names(), (std::vector<std::string>{"a", "b"}));
    const float base = std::log(3.0f);  // logit(0.75)
    EXPECT_NEAR(f->base_margin(), base, 1e-6);
    auto margin = [&](float a, float b) { return f->predict_margin(std::vector<float>{a, b}) - base; };
    EXPECT_NEAR(margin(0.0f, 0.0f), -0.4f + 0.1f, 1e-6);
    EXPECT_NEAR(margin(0.5f, 2.0f), 0.6f + 0.3f, 1e-6);  // equal to threshold goes right
    EXPECT_NEAR(margin(-2.0f, 3.0f), -0.4f - 0.2f, 1e-6);
    EXPECT_NEAR(margin(kNaN, kNaN), 0.6f + 0.1f, 1e-6);  // f0 missing -> right, f1 missing -> left
    EXPECT_NEAR(f->predict_proba(std::vector<float>{0.0f, 0.0f}), 1.0f / (1.0f + std::exp(-(base - 0.3f))), 1e-6);
}

// The same two trees five times (10 trees): prediction then takes the 8-tree lock-step path
// for the first eight and the per-tree loop for the rest; both must follow missing directions
// and treat infinities as numbers (+inf goes right, -inf left), as XGBoost does.
TEST(ForestHandModel, LockStepPathMatchesPerTreeSemantics) {
    std::string json = tiny_model();
    const size_t b = json.find("\"trees\":[") + 9;
    const size_t e = json.find("]},\"name\"");
    const std::string trees = json.substr(b, e - b);
    std::string five = trees;
    for (int i = 0; i < 4; ++i) five += "," + trees;
    json.replace(b, e - b, five);
    const std::string info = "\"tree_info\":[0,0]";
    json.replace(json.find(info), info.size(), "\"tree_info\":[0,0,0,0,0,0,0,0,0,0]");
    auto f = Forest::parse_xgboost_json(json);
    ASSERT_TRUE(f) << f.error().message;
    ASSERT_EQ(f->num_trees(), 10u);
    const float inf = std::numeric_limits<float>::infinity();
    auto margin = [&](float a, float b) { return f->predict_margin(std::vector<float>{a, b}) - f->base_margin(); };
    EXPECT_NEAR(margin(0.0f, 0.0f), 5 * (-0.4f + 0.1f), 1e-5);
    EXPECT_NEAR(margin(kNaN, kNaN), 5 * (0.6f + 0.1f), 1e-5);
    EXPECT_NEAR(margin(-2.0f, kNaN), 5 * (-0.4f + 0.1f), 1e-5);
    EXPECT_NEAR(margin(kNaN, 3.0f), 5 * (0.6f + 0.3f), 1e-5);
    EXPECT_NEAR(margin(inf, inf), 5 * (0.6f + 0.3f), 1e-5);
    EXPECT_NEAR(margin(-inf, -inf), 5 * (-0.4f + 0.1f), 1e-5);
    EXPECT_NEAR(margin(-inf, inf), 5 * (-0.4f - 0.2f), 1e-5);
}

TEST(ForestHandModel, ShapByHandAndBiasIsExpectedValue) {
    auto f = Forest::parse_xgboost_json(tiny_model());
    ASSERT_TRUE(f);
    // Tree 0 expected value: (4*-0.4 + 6*0.6)/10 = 0.2. Tree 1: right subtree (1*-0.2+4*0.3)/5 = 0.2,
    // root (5*0.1 + 5*0.2)/10 = 0.15.
    std::vector<float> phi(3), fast(3), saabas(3);
    const std::vector<float> row{0.0f, 0.0f};
    f->shap_values_path(row, phi);
    f->shap_values(row, fast);
    f->path_contributions(row, saabas);
    EXPECT_NEAR(phi[2], std::log(3.0f) + 0.2f + 0.15f, 1e-6);
    // Tree 0 gives f0: -0.4 - 0.2 = -0.6. Tree 1 at row (0,0) reaches leaf 0.1 via f1 alone, but
    // Shapley values also credit f0 through the leaves the row does not reach: for a leaf on
    // {f1, f0}, f0 gets v (o_f0 - z_f0) * 1/2 * z_f1 with z_f1 = 1/2: leaf -0.2 (o=0, z=1/5) gives
    // +0.01, leaf 0.3 (o=1, z=4/5) gives +0.015. f1 takes the rest of 0.1 - 0.15 = -0.05.
    EXPECT_NEAR(phi[0], -0.6f + 0.025f, 1e-6);
    EXPECT_NEAR(phi[1], -0.05f - 0.025f, 1e-6);
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(fast[j], phi[j], 1e-6);
    EXPECT_NEAR(saabas[0], -0.6f, 1e-6);
    EXPECT_NEAR(saabas[1], -0.05f, 1e-6);
    EXPECT_NEAR(saabas[2], phi[2], 1e-6);
}

TEST(ForestHandModel, RejectsUnsupportedModels) {
    auto expect_format_error = [](const std::string& json, const std::string& needle) {
        auto f = Forest::parse_xgboost_json(json);
        ASSERT_FALSE(f) << needle;
        EXPECT_EQ(f.error().code, ErrorCode::kFormat);
        EXPECT_NE(f.error().message.find(needle), std::string::npos) << f.error().message;
    };
    expect_format_error(tiny_model("multi:softprob"), "objective");
    expect_format_error(tiny_model("reg:squarederror"), "objective");
    expect_format_error(tiny_model("binary:logistic", "dart"), "booster");
    expect_format_error(tiny_model("binary:logistic", "gbtree", "3"), "multi-class");
    expect_format_error(tiny_model("binary:logistic", "gbtree", "0", "1,0,0"), "categorical");
    expect_format_error("{not json", "JSON");
    expect_format_error("[1,2,3]", "learner");
    std::string bad_child = tiny_model();
    bad_child.replace(bad_child.find("[1,-1,-1]"), 9, "[7,-1,-1]");
    expect_format_error(bad_child, "child");
    std::string cycle = tiny_model();
    cycle.replace(cycle.find("[1,-1,-1]"), 9, "[0,-1,-1]");
    expect_format_error(cycle, "child");
    std::string bad_feature = tiny_model();
    bad_feature.replace(bad_feature.find("\"split_indices\":[1,"), 19, "\"split_indices\":[9,");
    expect_format_error(bad_feature, "feature out of range");
    std::string huge_index = tiny_model();
    huge_index.replace(huge_index.find("\"split_indices\":[1,"), 19, "\"split_indices\":[1e300,");
    expect_format_error(huge_index, "huge index");
    std::string bad_cover = tiny_model();
    bad_cover.replace(bad_cover.find("\"sum_hessian\":[10,4,6]"), 22, "\"sum_hessian\":[10,-4,6]");
    expect_format_error(bad_cover, "sum_hessian");
    std::string short_array = tiny_model();
    short_array.replace(short_array.find("\"sum_hessian\":[10,4,6]"), 22, "\"sum_hessian\":[10,4]");
    expect_format_error(short_array, "sum_hessian");
}

TEST(ForestEmpty, DefaultConstructedForestIsSafe) {
    const Forest f;
    EXPECT_EQ(f.num_trees(), 0u);
    std::vector<float> out(1, 7.0f);
    f.shap_values({}, out);
    EXPECT_EQ(out[0], 0.0f);
    f.shap_values_path({}, out);
    EXPECT_EQ(out[0], 0.0f);
    EXPECT_EQ(f.predict_margin({}), 0.0f);
}

TEST(ForestTopK, OrdersByMagnitudeAndSkipsBias) {
    const std::vector<float> c{0.1f, -0.5f, 0.0f, 0.3f, 9.0f /*bias*/};
    auto top = Forest::top_k(c, 2);
    ASSERT_EQ(top.size(), 2u);
    EXPECT_EQ(top[0].feature, 1u);
    EXPECT_FLOAT_EQ(top[0].value, -0.5f);
    EXPECT_EQ(top[1].feature, 3u);
    EXPECT_EQ(Forest::top_k(c, 10).size(), 3u);  // zero contributions are not reasons
}

}  // namespace
}  // namespace vigil::ml
