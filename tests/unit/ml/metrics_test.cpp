// Metrics against values computed by hand (see the comments for the arithmetic).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <vector>

#include "vigil/ml/metrics.hpp"

namespace vigil::ml {
namespace {

// 4 positives, 3 negatives, ties at 0.8 (one of each class) and at 0.4 (one of each class).
// Groups from the top: 0.9 {+}, 0.8 {+,-}, 0.6 {+}, 0.4 {-,+}, 0.2 {-}.
const std::vector<float> kScores = {0.9f, 0.8f, 0.8f, 0.6f, 0.4f, 0.4f, 0.2f};
const std::vector<int> kLabels = {1, 1, 0, 1, 0, 1, 0};

TEST(Metrics, RocAucCountsTiesAsHalf) {
    // Mann-Whitney by hand: 0.9 beats 3 negatives; 0.8 ties one (0.5) and beats 2; 0.6 beats 2;
    // 0.4 ties one (0.5) and beats 1 -> (3 + 2.5 + 2 + 1.5) / 12 = 0.75.
    EXPECT_NEAR(roc_auc(kScores, kLabels), 0.75, 1e-12);
}

TEST(Metrics, RocCurvePoints) {
    auto c = roc_curve(kScores, kLabels);
    ASSERT_EQ(c.size(), 6u);
    const double fpr[] = {0, 0, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1};
    const double tpr[] = {0, 0.25, 0.5, 0.75, 1, 1};
    for (size_t i = 0; i < c.size(); ++i) {
        EXPECT_NEAR(c[i].x, fpr[i], 1e-12) << i;
        EXPECT_NEAR(c[i].y, tpr[i], 1e-12) << i;
    }
    EXPECT_TRUE(std::isinf(c[0].threshold));
    EXPECT_FLOAT_EQ(static_cast<float>(c[2].threshold), 0.8f);
}

TEST(Metrics, PrAucIsAveragePrecision) {
    // PR points (recall, precision): (.25, 1), (.5, 2/3), (.75, 3/4), (1, 4/6), (1, 4/7).
    // AP = .25*1 + .25*2/3 + .25*3/4 + .25*4/6 + 0 = 0.7708333...
    EXPECT_NEAR(pr_auc(kScores, kLabels), 0.25 * (1 + 2.0 / 3 + 0.75 + 4.0 / 6), 1e-12);
    auto c = pr_curve(kScores, kLabels);
    ASSERT_EQ(c.size(), 5u);
    EXPECT_NEAR(c[4].x, 1.0, 1e-12);
    EXPECT_NEAR(c[4].y, 4.0 / 7, 1e-12);
}

TEST(Metrics, PerfectAndInvertedRankings) {
    const std::vector<float> s = {0.1f, 0.2f, 0.8f, 0.9f};
    EXPECT_DOUBLE_EQ(roc_auc(s, std::vector<int>{0, 0, 1, 1}), 1.0);
    EXPECT_DOUBLE_EQ(pr_auc(s, std::vector<int>{0, 0, 1, 1}), 1.0);
    EXPECT_DOUBLE_EQ(roc_auc(s, std::vector<int>{1, 1, 0, 0}), 0.0);
    // All scores tied: ROC is the diagonal.
    const std::vector<float> tied = {0.5f, 0.5f, 0.5f, 0.5f};
    EXPECT_DOUBLE_EQ(roc_auc(tied, std::vector<int>{0, 1, 0, 1}), 0.5);
    EXPECT_DOUBLE_EQ(pr_auc(tied, std::vector<int>{0, 1, 0, 1}), 0.5);
}

TEST(Metrics, ConfusionAndRatiosAtThreshold) {
    // score >= 0.6 flags 0.9, 0.8, 0.8, 0.6: TP 3, FP 1; below: FN 1 (0.4+), TN 2.
    BinaryMetrics m = evaluate(kScores, kLabels, 0.6);
    EXPECT_EQ(m.n, 7u);
    EXPECT_EQ(m.confusion.tp, 3u);
    EXPECT_EQ(m.confusion.fp, 1u);
    EXPECT_EQ(m.confusion.tn, 2u);
    EXPECT_EQ(m.confusion.fn, 1u);
    EXPECT_NEAR(m.accuracy, 5.0 / 7, 1e-12);
    EXPECT_NEAR(m.precision, 0.75, 1e-12);
    EXPECT_NEAR(m.recall, 0.75, 1e-12);
    EXPECT_NEAR(m.tpr, 0.75, 1e-12);
    EXPECT_NEAR(m.f1, 0.75, 1e-12);
    EXPECT_NEAR(m.fpr, 1.0 / 3, 1e-12);
    EXPECT_NEAR(m.roc_auc, 0.75, 1e-12);
    EXPECT_DOUBLE_EQ(m.threshold, 0.6);
}

TEST(Metrics, OneClassListsHaveUndefinedAucsAndRatios) {
    const std::vector<float> s = {0.9f, 0.3f, 0.7f};
    BinaryMetrics neg = evaluate(s, std::vector<int>{0, 0, 0}, 0.5);
    EXPECT_TRUE(std::isnan(neg.roc_auc));
    EXPECT_TRUE(std::isnan(neg.pr_auc));
    EXPECT_TRUE(std::isnan(neg.recall));
    EXPECT_NEAR(neg.fpr, 2.0 / 3, 1e-12);
    EXPECT_EQ(neg.confusion.fp, 2u);
    BinaryMetrics pos = evaluate(s, std::vector<int>{1, 1, 1}, 0.5);
    EXPECT_TRUE(std::isnan(pos.roc_auc));
    EXPECT_TRUE(std::isnan(pos.fpr));
    EXPECT_TRUE(std::isnan(pos.pr_auc));
    EXPECT_NEAR(pos.recall, 2.0 / 3, 1e-12);
    EXPECT_NEAR(pos.precision, 1.0, 1e-12);
    // Nothing flagged on data with positives: precision 0, not undefined.
    BinaryMetrics none = evaluate(s, std::vector<int>{1, 0, 1}, 0.95);
    EXPECT_DOUBLE_EQ(none.precision, 0.0);
    EXPECT_DOUBLE_EQ(none.f1, 0.0);
}

TEST(Metrics, ThresholdMaximisesF1UnderFprBound) {
    // F1 by step: 0.9 -> 2/5, 0.8 -> 4/7, 0.6 -> 6/8, 0.4 -> 8/10 (FPR 2/3), 0.2 -> 8/11 (FPR 1).
    EXPECT_FLOAT_EQ(static_cast<float>(choose_threshold(kScores, kLabels, 1.0)), 0.4f);
    // FPR <= 0.5 allows thresholds down to 0.6 (FPR 1/3).
    EXPECT_FLOAT_EQ(static_cast<float>(choose_threshold(kScores, kLabels, 0.5)), 0.6f);
    // FPR 0 allows only 0.9.
    EXPECT_FLOAT_EQ(static_cast<float>(choose_threshold(kScores, kLabels, 0.0)), 0.9f);
}

TEST(Metrics, ThresholdFlagsNothingWhenTheTopScoreIsNegative) {
    const std::vector<float> s = {0.9f, 0.5f};
    const std::vector<int> l = {0, 1};
    double t = choose_threshold(s, l, 0.0);
    EXPECT_GT(t, 0.9);
    EXPECT_EQ(evaluate(s, l, t).confusion.fp, 0u);
}

TEST(Metrics, ThresholdTiesKeepTheHigherThreshold) {
    // 0.8 {+}: 2/(2+0+1) = 2/3; 0.7 {-}: 2/(2+1+1) = 1/2; 0.3 {+}: 4/(4+1+0) = 4/5; 0.2 {-}: 4/6.
    const std::vector<float> s = {0.8f, 0.7f, 0.3f, 0.2f};
    const std::vector<int> l = {1, 0, 1, 0};
    EXPECT_FLOAT_EQ(static_cast<float>(choose_threshold(s, l, 1.0)), 0.3f);
    // Equal F1 at 0.9 (TP1 FP0 FN1 -> 2/3) and at 0.5 (TP2 FP2 FN0 -> 4/6): the higher one wins.
    const std::vector<float> s2 = {0.9f, 0.7f, 0.6f, 0.5f};
    const std::vector<int> l2 = {1, 0, 0, 1};
    EXPECT_FLOAT_EQ(static_cast<float>(choose_threshold(s2, l2, 1.0)), 0.9f);
}

TEST(Metrics, ThresholdForRecallFloor) {
    // Recall by step: 0.9 -> 1/4, 0.8 -> 2/4, 0.6 -> 3/4, 0.4 -> 4/4.
    EXPECT_FLOAT_EQ(static_cast<float>(threshold_for_recall(kScores, kLabels, 0.5)), 0.8f);
    EXPECT_FLOAT_EQ(static_cast<float>(threshold_for_recall(kScores, kLabels, 0.51)), 0.6f);
    EXPECT_FLOAT_EQ(static_cast<float>(threshold_for_recall(kScores, kLabels, 0.9)), 0.4f);
    EXPECT_FLOAT_EQ(static_cast<float>(threshold_for_recall(kScores, kLabels, 0.0)), 0.9f);
    EXPECT_DOUBLE_EQ(threshold_for_recall(kScores, std::vector<int>(7, 0), 0.9), 0.5);
}

TEST(Metrics, JsonHasTheContractFieldsAndNullForNaN) {
    BinaryMetrics m = evaluate(std::vector<float>{0.9f, 0.2f}, std::vector<int>{0, 0}, 0.5);
    boost::json::value v = boost::json::parse(to_json(m));
    const auto& o = v.as_object();
    for (const char* k : {"n", "roc_auc", "pr_auc", "accuracy", "precision", "recall", "f1", "fpr", "tpr",
                          "threshold", "confusion"}) {
        EXPECT_TRUE(o.contains(k)) << k;
    }
    EXPECT_TRUE(o.at("roc_auc").is_null());
    EXPECT_TRUE(o.at("recall").is_null());
    EXPECT_EQ(o.at("n").to_number<int>(), 2);
    EXPECT_DOUBLE_EQ(o.at("fpr").to_number<double>(), 0.5);
    const auto& c = o.at("confusion").as_object();
    EXPECT_EQ(c.at("fp").to_number<int>(), 1);
    EXPECT_EQ(c.at("tn").to_number<int>(), 1);
    EXPECT_EQ(c.at("tp").to_number<int>(), 0);
    EXPECT_EQ(c.at("fn").to_number<int>(), 0);
}

}  // namespace
}  // namespace vigil::ml
