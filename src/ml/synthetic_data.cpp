// Seeded synthetic binary data for tests and benchmarks (see make_synthetic_binary in xgboost.hpp).
#include <cmath>
#include <limits>
#include <random>

#include "vigil/ml/xgboost.hpp"

namespace vigil::ml {

DenseData make_synthetic_binary(size_t num_rows, size_t num_cols, double nan_fraction, uint64_t seed) {
    DenseData d;
    d.num_rows = num_rows;
    d.num_cols = num_cols;
    d.values.resize(num_rows * num_cols);
    d.labels.resize(num_rows);
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (size_t r = 0; r < num_rows; ++r) {
        float* x = d.values.data() + r * num_cols;
        for (size_t c = 0; c < num_cols; ++c) {
            // A mix of continuous, heavy-tailed and few-valued (count-like) columns, as URL features are.
            float v = normal(rng);
            if (c % 3 == 1) v = std::exp(v);
            if (c % 3 == 2) v = std::floor(4.0f * static_cast<float>(unit(rng)));
            x[c] = v;
        }
        // Ground truth uses the first columns with interactions and thresholds, plus label noise.
        auto at = [&](size_t c) { return c < num_cols ? x[c] : 0.0f; };
        double logit = 1.2 * at(0) - 0.8 * std::log1p(at(1)) + 0.9 * (at(2) >= 2.0f) + 0.7 * at(3) * at(0) +
                       std::sin(2.0 * at(6)) - 0.5 * (at(4) > 1.5f) + 0.3 * at(9) * (at(5) < 1.0f ? 1.0 : -1.0) - 0.2;
        for (size_t c = 10; c < num_cols; c += 7) logit += 0.15 * at(c);
        d.labels[r] = unit(rng) < 1.0 / (1.0 + std::exp(-logit)) ? 1.0f : 0.0f;
        // Missing values are introduced after the label, so "missing" is uninformative noise.
        for (size_t c = 0; c < num_cols; ++c)
            if (unit(rng) < nan_fraction) x[c] = nan;
    }
    return d;
}

}  // namespace vigil::ml
