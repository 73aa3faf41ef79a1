#pragma once
// Binary classification metrics: ROC/PR curves, AUCs, confusion matrix at a threshold, and the
// rule that picks the decision threshold on validation scores.
//
// Conventions (also in docs/models.md):
// - labels: 1 = positive (phishing), 0 = negative. A row is predicted positive when score >= threshold.
// - ROC-AUC is the area under the ROC curve with tied scores treated as one step (a diagonal
//   segment), i.e. the Mann-Whitney probability with ties counted 1/2.
// - PR-AUC is average precision: sum over distinct thresholds of (R_k - R_{k-1}) * P_k, the
//   step-wise area used by scikit-learn's average_precision_score (no optimistic interpolation).
// - Ratios whose denominator is zero (e.g. recall on a list without positives) are NaN; JSON
//   writes NaN as null.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace vigil::ml {

struct Confusion {
    size_t tp = 0, fp = 0, tn = 0, fn = 0;
};

struct BinaryMetrics {
    size_t n = 0;
    size_t positives = 0, negatives = 0;
    double roc_auc = 0, pr_auc = 0, accuracy = 0, precision = 0, recall = 0, f1 = 0, fpr = 0, tpr = 0;
    double threshold = 0.5;
    Confusion confusion;
};

struct CurvePoint {
    double x = 0, y = 0, threshold = 0;
};

// Confusion matrix and the ratios derived from it, for `score >= threshold` as positive.
BinaryMetrics evaluate(std::span<const float> scores, std::span<const int> labels, double threshold);

// ROC curve (x = FPR, y = TPR), one point per distinct score from high to low, starting at
// (0, 0) with threshold +inf. Empty when one class is absent.
std::vector<CurvePoint> roc_curve(std::span<const float> scores, std::span<const int> labels);
// PR curve (x = recall, y = precision), one point per distinct score from high to low. Empty
// when there are no positives.
std::vector<CurvePoint> pr_curve(std::span<const float> scores, std::span<const int> labels);

// NaN when one class is absent.
double roc_auc(std::span<const float> scores, std::span<const int> labels);
// Average precision; NaN when one class is absent.
double pr_auc(std::span<const float> scores, std::span<const int> labels);

// The decision threshold: among the distinct scores s (as thresholds "score >= s"), the one that
// maximises F1 subject to FPR <= max_fpr; ties go to the higher threshold (fewer false
// positives). When no threshold gives any true positive within the FPR bound, returns a value
// above the highest score (nothing flagged). Returns 0.5 when the input is empty.
double choose_threshold(std::span<const float> scores, std::span<const int> labels, double max_fpr);

// The highest distinct score s such that "score >= s" reaches recall >= min_recall (the operating
// point that keeps a recall floor with the fewest false positives). 0.5 when there are no
// positives or the input is empty.
double threshold_for_recall(std::span<const float> scores, std::span<const int> labels, double min_recall);

// One JSON object with the DESIGN fields: n, roc_auc, pr_auc, accuracy, precision, recall, f1,
// fpr, tpr, threshold, confusion {tp,fp,tn,fn}, plus positives and negatives. NaN is written as
// null.
std::string to_json(const BinaryMetrics& m);

}  // namespace vigil::ml
