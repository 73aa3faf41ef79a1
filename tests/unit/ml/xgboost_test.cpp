// XGBoost C-API wrapper: errors become values, training is deterministic and early stopping keeps
// the best round.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "vigil/ml/xgboost.hpp"

namespace vigil::ml {
namespace {

TEST(DMatrix, RejectsMismatchedSizes) {
    std::vector<float> values(6, 1.0f), labels(2, 0.0f);
    EXPECT_FALSE(DMatrix::from_dense(values, 4, 2));
    EXPECT_FALSE(DMatrix::from_dense(values, 3, 2, labels));
    auto ok = DMatrix::from_dense(values, 3, 2);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->num_rows(), 3u);
    EXPECT_EQ(ok->num_cols(), 2u);
}

TEST(Booster, CApiErrorsBecomeErrorValues) {
    auto b = Booster::load_model_from_buffer("this is not a model");
    ASSERT_FALSE(b);
    EXPECT_NE(b.error().message.find("xgboost"), std::string::npos);
    auto missing = Booster::load_model("/nonexistent/vigil/model.json");
    EXPECT_FALSE(missing);
    const std::vector<float> x{1, 2}, y{0, 1};
    auto dm = DMatrix::from_dense(x, 2, 1, y);
    ASSERT_TRUE(dm);
    const DMatrix* cache[] = {&*dm};
    auto fresh = Booster::create(cache);
    ASSERT_TRUE(fresh);
    // XGBoost may accept the parameter lazily and fail on the first update; either way it is an Error.
    Status s = fresh->set_param("objective", "no:such-objective");
    if (s) s = fresh->update_one_iter(0, *dm);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("xgboost"), std::string::npos);
}

TEST(SyntheticData, IsSeededAndHasMissingValues) {
    const DenseData a = make_synthetic_binary(500, 12, 0.1, 3);
    const DenseData b = make_synthetic_binary(500, 12, 0.1, 3);
    const DenseData c = make_synthetic_binary(500, 12, 0.1, 4);
    ASSERT_TRUE(a.validate());
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_TRUE(std::equal(a.values.begin(), a.values.end(), b.values.begin(),
                           [](float x, float y) { return x == y || (std::isnan(x) && std::isnan(y)); }));
    EXPECT_NE(a.labels, c.labels);
    const auto nans = std::count_if(a.values.begin(), a.values.end(), [](float v) { return std::isnan(v); });
    EXPECT_GT(nans, 300);
    EXPECT_LT(nans, 900);
    const auto pos = std::count(a.labels.begin(), a.labels.end(), 1.0f);
    EXPECT_GT(pos, 100);
    EXPECT_LT(pos, 400);
}

TEST(TrainBinary, DeterministicAndEarlyStopsAtTheBestRound) {
    // Small, noisy training set and an aggressive learning rate: validation logloss bottoms out
    // early and then rises, so early stopping must trigger.
    const DenseData train = make_synthetic_binary(600, 20, 0.05, 11);
    const DenseData valid = make_synthetic_binary(2000, 20, 0.05, 12);
    TrainParams p;
    p.max_rounds = 300;
    p.early_stopping_rounds = 15;
    p.eta = 0.5;
    p.max_depth = 8;
    p.min_child_weight = 0.0;
    p.nthread = 1;
    int calls = 0;
    auto out = train_binary(train, valid, p, [&](int it, int max, double v) {
        EXPECT_EQ(it, calls);
        EXPECT_EQ(max, 300);
        EXPECT_GT(v, 0.0);
        ++calls;
    });
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->metric_name, "logloss");
    EXPECT_LT(out->rounds_trained, 300);
    EXPECT_EQ(calls, out->rounds_trained);
    ASSERT_EQ(out->valid_curve.size(), static_cast<size_t>(out->rounds_trained));
    EXPECT_EQ(out->rounds_trained, out->best_iteration + 1 + p.early_stopping_rounds);
    const auto best = std::min_element(out->valid_curve.begin(), out->valid_curve.end());
    EXPECT_EQ(best - out->valid_curve.begin(), out->best_iteration);
    EXPECT_DOUBLE_EQ(*best, out->best_score);

    // The saved model is trimmed to the best round and reproduces the best validation score.
    auto booster = Booster::load_model_from_buffer(out->model_json);
    ASSERT_TRUE(booster) << booster.error().message;
    EXPECT_EQ(*booster->boosted_rounds(), out->best_iteration + 1);
    auto dvalid = DMatrix::from_data(valid);
    ASSERT_TRUE(dvalid);
    auto pred = booster->predict(*dvalid);
    ASSERT_TRUE(pred);
    double logloss = 0;
    for (size_t i = 0; i < valid.num_rows; ++i) {
        const double pr = std::clamp<double>((*pred)[i], 1e-15, 1 - 1e-15);
        logloss -= valid.labels[i] > 0.5f ? std::log(pr) : std::log(1 - pr);
    }
    EXPECT_NEAR(logloss / valid.num_rows, out->best_score, 1e-4);

    auto again = train_binary(train, valid, p);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->model_json, out->model_json);
    EXPECT_EQ(again->valid_curve, out->valid_curve);
}

TEST(TrainBinary, AucMetricMaximises) {
    const DenseData train = make_synthetic_binary(3000, 15, 0.0, 5);
    const DenseData valid = make_synthetic_binary(1000, 15, 0.0, 6);
    TrainParams p;
    p.max_rounds = 40;
    p.early_stopping_rounds = 0;
    p.metric = EvalMetric::kAuc;
    p.nthread = 1;
    auto out = train_binary(train, valid, p);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->metric_name, "auc");
    EXPECT_EQ(out->rounds_trained, 40);
    EXPECT_EQ(*std::max_element(out->valid_curve.begin(), out->valid_curve.end()), out->best_score);
    EXPECT_GT(out->best_score, 0.75);  // the synthetic signal is learnable
    EXPECT_LE(out->best_score, 1.0);
}

TEST(TrainBinary, RejectsBadInput) {
    DenseData train = make_synthetic_binary(100, 5, 0.0, 1);
    DenseData valid = make_synthetic_binary(100, 6, 0.0, 2);
    EXPECT_FALSE(train_binary(train, valid, TrainParams{}));  // widths differ
    valid = make_synthetic_binary(100, 5, 0.0, 2);
    valid.labels.pop_back();
    auto r = train_binary(train, valid, TrainParams{});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    valid = make_synthetic_binary(100, 5, 0.0, 2);
    TrainParams p;
    p.extra = {{"max_depth", "-3"}};
    EXPECT_FALSE(train_binary(train, valid, p));  // XGBoost's own parameter check surfaces as an Error
}

TEST(Booster, SaveLoadAndPredictionPathsAgree) {
    const DenseData train = make_synthetic_binary(2000, 10, 0.1, 8);
    const DenseData valid = make_synthetic_binary(500, 10, 0.1, 9);
    TrainParams p;
    p.max_rounds = 20;
    p.early_stopping_rounds = 0;
    p.nthread = 1;
    auto out = train_binary(train, valid, p);
    ASSERT_TRUE(out);
    auto b = Booster::load_model_from_buffer(out->model_json);
    ASSERT_TRUE(b);
    EXPECT_EQ(*b->num_features(), 10u);
    const auto path = std::filesystem::temp_directory_path() / ("vigil_xgb_test_" + std::to_string(::getpid()) + ".json");
    ASSERT_TRUE(b->save_model(path));
    auto loaded = Booster::load_model(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(loaded) << loaded.error().message;

    auto dm = DMatrix::from_dense(std::span<const float>(valid.values).first(50 * 10), 50, 10);
    ASSERT_TRUE(dm);
    auto batch = loaded->predict(*dm);
    auto contribs = loaded->predict(*dm, PredictKind::kContribs);
    auto margins = loaded->predict(*dm, PredictKind::kMargin);
    ASSERT_TRUE(batch && contribs && margins);
    ASSERT_EQ(contribs->size(), 50u * 11u);
    std::vector<float> row_contribs(11);
    for (size_t i = 0; i < 50; ++i) {
        auto single = loaded->predict_row(valid.row(i));
        ASSERT_TRUE(single) << single.error().message;
        EXPECT_FLOAT_EQ(*single, (*batch)[i]);
        auto m = loaded->predict_row(valid.row(i), PredictKind::kMargin);
        ASSERT_TRUE(m);
        EXPECT_FLOAT_EQ(*m, (*margins)[i]);
        ASSERT_TRUE(loaded->predict_row_contribs(valid.row(i), row_contribs));
        for (size_t j = 0; j < 11; ++j) EXPECT_FLOAT_EQ(row_contribs[j], (*contribs)[i * 11 + j]);
    }
    std::vector<float> wrong(5);
    EXPECT_FALSE(loaded->predict_row_contribs(valid.row(0), wrong));
    EXPECT_FALSE(loaded->predict_row(valid.row(0), PredictKind::kContribs));
}

}  // namespace
}  // namespace vigil::ml
