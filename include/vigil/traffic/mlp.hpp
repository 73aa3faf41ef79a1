#pragma once
// A small multi-layer perceptron for the "nn" traffic model: ReLU hidden layers and one sigmoid
// output per head (output 0 = attack, then one per attack family), trained with Adam on the
// summed binary cross-entropy. Hand-written (a few hundred lines) instead of libtorch: the
// network is tiny (~10k weights), single-row inference is a few dot products with no framework
// overhead, and the server keeps no multi-hundred-megabyte dependency.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/result.hpp"

namespace vigil::traffic {

struct MlpLayer {
    size_t in = 0, out = 0;
    std::vector<float> w;  // out x in, row-major
    std::vector<float> b;  // out
};

struct Mlp {
    std::vector<MlpLayer> layers;
    size_t num_inputs() const { return layers.empty() ? 0 : layers.front().in; }
    size_t num_outputs() const { return layers.empty() ? 0 : layers.back().out; }
    // Output logits for one (scaled) row; `out` has num_outputs() slots. Thread-local scratch.
    void forward(std::span<const float> x, std::span<float> out) const;
    // d logit[output] / d x_j * x_j for each input (gradient x input).
    void gradient_times_input(std::span<const float> x, size_t output, std::span<float> out) const;
    std::string to_json() const;
    static Result<Mlp> from_json(std::string_view text);
};

struct MlpTrainParams {
    std::vector<size_t> hidden = {64, 32};
    size_t max_epochs = 20;
    size_t patience = 3;       // epochs without a better validation loss before stopping
    size_t batch_size = 128;
    double learning_rate = 1e-3;
    double weight_decay = 1e-5;  // L2 added to the gradient
    uint64_t seed = 42;
};

// Rows are scaled, row-major; targets are num_rows x num_outputs in {0, 1}. Keeps the epoch with
// the lowest validation loss. `progress(epoch, max_epochs, valid_loss)` after every epoch.
Result<Mlp> train_mlp(std::span<const float> x, std::span<const float> targets, size_t num_cols, size_t num_outputs,
                      std::span<const float> valid_x, std::span<const float> valid_targets, const MlpTrainParams& params,
                      const std::function<void(int, int, double)>& progress = {});

}  // namespace vigil::traffic
