#pragma once
// Linear heads of the "svm" traffic model and the LIBLINEAR trainer that makes them.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::traffic {

struct LinearHead {
    std::vector<float> w;
    float b = 0;
    float platt_a = 1, platt_b = 0;  // P = sigmoid(platt_a * decision + platt_b)
    float decision(std::span<const float> x) const;
    float probability(std::span<const float> x) const;
    std::string to_json_value() const;
};

// {"heads":[binary, family 0, family 1, ...]}
std::string linear_model_json(std::span<const LinearHead> heads);

struct LinearTrainParams {
    double c = 1.0;       // LIBLINEAR cost
    double eps = 0.1;     // stopping tolerance (LIBLINEAR's default for the dual solver)
    bool balance = true;  // class weights so both classes carry the same total weight
};

// L2-regularised L2-loss linear SVM (LIBLINEAR dual solver) on standardised rows (num_rows x
// num_cols, row-major), labels 1/0; then Platt scaling of the decision values fitted on the
// validation rows. Deterministic (LIBLINEAR's generator is seeded).
Result<LinearHead> train_linear_svm(std::span<const float> x, size_t num_cols, std::span<const uint8_t> labels,
                                    std::span<const float> valid_x, std::span<const uint8_t> valid_labels,
                                    const LinearTrainParams& params);

// Fits (a, b) of sigmoid(a * d + b) to labels by Newton's method on the log loss (Platt 1999
// with his target smoothing).
void fit_platt(std::span<const float> decisions, std::span<const uint8_t> labels, float& a, float& b);

}  // namespace vigil::traffic
