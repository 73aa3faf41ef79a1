#pragma once
// Binary classification metrics: ROC/PR curves, AUCs, confusion matrix at a threshold.
#include <span>
#include <string>
#include <vector>

namespace vigil::ml {

struct Confusion {
    size_t tp = 0, fp = 0, tn = 0, fn = 0;
};

struct BinaryMetrics {
    size_t n = 0;
    double roc_auc = 0, pr_auc = 0, accuracy = 0, precision = 0, recall = 0, f1 = 0, fpr = 0, tpr = 0;
    double threshold = 0.5;
    Confusion confusion;
};

struct CurvePoint {
    double x = 0, y = 0, threshold = 0;
};

// labels: 1 = positive. ROC-AUC/PR-AUC are NaN when only one class is present.
BinaryMetrics evaluate(std::span<const float> scores, std::span<const int> labels, double threshold);
std::vector<CurvePoint> roc_curve(std::span<const float> scores, std::span<const int> labels);  // x=FPR,y=TPR
std::vector<CurvePoint> pr_curve(std::span<const float> scores, std::span<const int> labels);   // x=recall,y=precision

// Threshold that maximises F1 subject to FPR <= max_fpr on the given (validation) scores.
double choose_threshold(std::span<const float> scores, std::span<const int> labels, double max_fpr);

// One JSON object with the DESIGN fields: n, roc_auc, pr_auc, accuracy, precision, recall, f1,
// fpr, tpr, threshold, confusion {tp,fp,tn,fn}. NaN is written as null.
std::string to_json(const BinaryMetrics& m);

}  // namespace vigil::ml
