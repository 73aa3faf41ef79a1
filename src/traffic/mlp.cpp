// MLP forward/backward, Adam training, JSON form, and the "nn" scorer. Explanations: gradient x
// input of the attack logit on the standardised features (0 = the training mean), a first-order
// attribution that costs one backward pass.
#include "vigil/traffic/mlp.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "scorers.hpp"

namespace vigil::traffic {

namespace json = boost::json;

namespace {

// Activations of every layer for one row (acts[0] = input copy).
void forward_all(const Mlp& m, std::span<const float> x, std::vector<std::vector<float>>& acts) {
    acts.resize(m.layers.size() + 1);
    acts[0].assign(x.begin(), x.begin() + static_cast<long>(m.num_inputs()));
    for (size_t l = 0; l < m.layers.size(); ++l) {
        const MlpLayer& L = m.layers[l];
        auto& y = acts[l + 1];
        y.resize(L.out);
        const float* in = acts[l].data();
        for (size_t o = 0; o < L.out; ++o) {
            const float* w = L.w.data() + o * L.in;
            float s = L.b[o];
            for (size_t i = 0; i < L.in; ++i) s += w[i] * in[i];
            y[o] = (l + 1 < m.layers.size()) ? std::max(s, 0.0f) : s;
        }
    }
}

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

}  // namespace

void Mlp::forward(std::span<const float> x, std::span<float> out) const {
    thread_local std::vector<std::vector<float>> acts;
    forward_all(*this, x, acts);
    std::copy_n(acts.back().begin(), std::min(out.size(), acts.back().size()), out.begin());
}

void Mlp::gradient_times_input(std::span<const float> x, size_t output, std::span<float> out) const {
    thread_local std::vector<std::vector<float>> acts;
    thread_local std::vector<float> grad, next;
    forward_all(*this, x, acts);
    grad.assign(num_outputs(), 0.0f);
    grad[output] = 1.0f;
    for (size_t l = layers.size(); l-- > 0;) {
        const MlpLayer& L = layers[l];
        next.assign(L.in, 0.0f);
        for (size_t o = 0; o < L.out; ++o) {
            if (grad[o] == 0.0f) continue;
            const float* w = L.w.data() + o * L.in;
            for (size_t i = 0; i < L.in; ++i) next[i] += grad[o] * w[i];
        }
        if (l > 0) {
            for (size_t i = 0; i < L.in; ++i) {
                if (acts[l][i] <= 0.0f) next[i] = 0.0f;  // ReLU
            }
        }
        grad.swap(next);
    }
    for (size_t j = 0; j < out.size() && j < grad.size(); ++j) out[j] = grad[j] * acts[0][j];
}

std::string Mlp::to_json() const {
    json::array jl;
    for (const auto& L : layers) {
        json::object o;
        o["in"] = L.in;
        o["out"] = L.out;
        json::array w, b;
        for (float v : L.w) w.emplace_back(static_cast<double>(v));
        for (float v : L.b) b.emplace_back(static_cast<double>(v));
        o["w"] = std::move(w);
        o["b"] = std::move(b);
        jl.emplace_back(std::move(o));
    }
    json::object root;
    root["layers"] = std::move(jl);
    return json::serialize(root);
}

Result<Mlp> Mlp::from_json(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return make_error(ErrorCode::kFormat, "mlp.json: not a JSON object");
    Mlp m;
    try {
        for (const auto& jl : v.as_object().at("layers").as_array()) {
            MlpLayer L;
            L.in = jl.at("in").to_number<size_t>();
            L.out = jl.at("out").to_number<size_t>();
            for (const auto& w : jl.at("w").as_array()) L.w.push_back(static_cast<float>(w.to_number<double>()));
            for (const auto& b : jl.at("b").as_array()) L.b.push_back(static_cast<float>(b.to_number<double>()));
            constexpr size_t kMaxWidth = 1 << 16;  // also keeps in * out from overflowing
            if (L.in == 0 || L.out == 0 || L.in > kMaxWidth || L.out > kMaxWidth || L.w.size() != L.in * L.out ||
                L.b.size() != L.out) {
                return make_error(ErrorCode::kFormat, "mlp.json: a layer's sizes do not match its weights");
            }
            if (!m.layers.empty() && m.layers.back().out != L.in) {
                return make_error(ErrorCode::kFormat, "mlp.json: consecutive layers do not connect");
            }
            m.layers.push_back(std::move(L));
        }
    } catch (const std::exception& e) {
        return make_error(ErrorCode::kFormat, std::string("mlp.json: ") + e.what());
    }
    if (m.layers.empty()) return make_error(ErrorCode::kFormat, "mlp.json: no layers");
    return m;
}

namespace {

struct Adam {
    std::vector<float> m, v;
    void step(std::vector<float>& p, const std::vector<float>& g, double lr, double decay, size_t t) {
        constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        if (m.empty()) {
            m.assign(p.size(), 0);
            v.assign(p.size(), 0);
        }
        const double c1 = 1 - std::pow(b1, static_cast<double>(t)), c2 = 1 - std::pow(b2, static_cast<double>(t));
        for (size_t i = 0; i < p.size(); ++i) {
            const double gi = g[i] + decay * p[i];
            m[i] = static_cast<float>(b1 * m[i] + (1 - b1) * gi);
            v[i] = static_cast<float>(b2 * v[i] + (1 - b2) * gi * gi);
            p[i] -= static_cast<float>(lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + eps));
        }
    }
};

double mean_loss(const Mlp& m, std::span<const float> x, std::span<const float> t, size_t cols, size_t outs) {
    const size_t n = cols ? x.size() / cols : 0;
    if (n == 0) return 0;
    std::vector<float> z(outs);
    double loss = 0;
    for (size_t r = 0; r < n; ++r) {
        m.forward(x.subspan(r * cols, cols), z);
        for (size_t k = 0; k < outs; ++k) {
            // Stable BCE with logits: max(z,0) - z*t + log(1 + exp(-|z|)).
            const double zk = z[k], tk = t[r * outs + k];
            loss += std::max(zk, 0.0) - zk * tk + std::log1p(std::exp(-std::abs(zk)));
        }
    }
    return loss / static_cast<double>(n);
}

}  // namespace

Result<Mlp> train_mlp(std::span<const float> x, std::span<const float> targets, size_t cols, size_t outs,
                      std::span<const float> valid_x, std::span<const float> valid_targets, const MlpTrainParams& params,
                      const std::function<void(int, int, double)>& progress) {
    if (cols == 0 || outs == 0 || x.size() % cols != 0 || targets.size() != x.size() / cols * outs) {
        return make_error(ErrorCode::kInvalidArgument, "train_mlp: inconsistent shapes");
    }
    const size_t n = x.size() / cols;
    if (n == 0) return make_error(ErrorCode::kInvalidArgument, "train_mlp: no rows");
    std::mt19937_64 rng(params.seed);
    Mlp net;
    size_t in = cols;
    std::vector<size_t> sizes = params.hidden;
    sizes.push_back(outs);
    for (size_t out : sizes) {
        MlpLayer L;
        L.in = in;
        L.out = out;
        L.w.resize(in * out);
        L.b.assign(out, 0.0f);
        // He initialisation for ReLU layers (uniform with the same variance).
        const double limit = std::sqrt(6.0 / static_cast<double>(in));
        std::uniform_real_distribution<double> dist(-limit, limit);
        for (float& w : L.w) w = static_cast<float>(dist(rng));
        net.layers.push_back(std::move(L));
        in = out;
    }
    const size_t nl = net.layers.size();
    std::vector<Adam> adam_w(nl), adam_b(nl);
    std::vector<std::vector<float>> gw(nl), gb(nl);
    std::vector<std::vector<float>> acts(nl + 1), deltas(nl);
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    Mlp best = net;
    double best_loss = std::numeric_limits<double>::infinity();
    size_t since_best = 0, step = 0;
    for (size_t epoch = 0; epoch < params.max_epochs; ++epoch) {
        for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
        for (size_t start = 0; start < n; start += params.batch_size) {
            const size_t end = std::min(n, start + params.batch_size);
            for (size_t l = 0; l < nl; ++l) {
                gw[l].assign(net.layers[l].w.size(), 0.0f);
                gb[l].assign(net.layers[l].b.size(), 0.0f);
            }
            for (size_t bi = start; bi < end; ++bi) {
                const size_t r = order[bi];
                forward_all(net, x.subspan(r * cols, cols), acts);
                // Output delta of BCE with logits: sigmoid(z) - t.
                deltas[nl - 1].resize(outs);
                for (size_t k = 0; k < outs; ++k) deltas[nl - 1][k] = sigmoid(acts[nl][k]) - targets[r * outs + k];
                for (size_t l = nl; l-- > 0;) {
                    const MlpLayer& L = net.layers[l];
                    const auto& d = deltas[l];
                    const auto& a = acts[l];
                    for (size_t o = 0; o < L.out; ++o) {
                        if (d[o] == 0.0f) continue;
                        float* g = gw[l].data() + o * L.in;
                        for (size_t i = 0; i < L.in; ++i) g[i] += d[o] * a[i];
                        gb[l][o] += d[o];
                    }
                    if (l == 0) break;
                    auto& prev = deltas[l - 1];
                    prev.assign(L.in, 0.0f);
                    for (size_t o = 0; o < L.out; ++o) {
                        if (d[o] == 0.0f) continue;
                        const float* w = L.w.data() + o * L.in;
                        for (size_t i = 0; i < L.in; ++i) prev[i] += d[o] * w[i];
                    }
                    for (size_t i = 0; i < L.in; ++i) {
                        if (a[i] <= 0.0f) prev[i] = 0.0f;  // ReLU of layer l-1's output
                    }
                }
            }
            const float scale = 1.0f / static_cast<float>(end - start);
            ++step;
            for (size_t l = 0; l < nl; ++l) {
                for (float& g : gw[l]) g *= scale;
                for (float& g : gb[l]) g *= scale;
                adam_w[l].step(net.layers[l].w, gw[l], params.learning_rate, params.weight_decay, step);
                adam_b[l].step(net.layers[l].b, gb[l], params.learning_rate, 0.0, step);
            }
        }
        const double loss = valid_x.empty() ? mean_loss(net, x, targets, cols, outs)
                                            : mean_loss(net, valid_x, valid_targets, cols, outs);
        if (progress) progress(static_cast<int>(epoch), static_cast<int>(params.max_epochs), loss);
        if (loss < best_loss) {
            best_loss = loss;
            best = net;
            since_best = 0;
        } else if (++since_best >= params.patience) {
            break;
        }
    }
    return best;
}

namespace detail {

namespace {

class MlpScorer final : public Scorer {
public:
    MlpScorer(Mlp net, ScorerShape shape) : net_(std::move(net)), shape_(std::move(shape)) {}
    size_t num_features() const override { return shape_.num_features; }
    size_t num_families() const override { return shape_.num_families; }
    float attack_probability(std::span<const float> x) const override {
        thread_local std::vector<float> z;
        z.resize(net_.num_outputs());
        net_.forward(scaled(x), z);
        return sigmoid(z[0]);
    }
    void family_probabilities(std::span<const float> x, std::span<float> out) const override {
        thread_local std::vector<float> z;
        z.resize(net_.num_outputs());
        net_.forward(scaled(x), z);
        for (size_t k = 0; k < out.size() && k + 1 < z.size(); ++k) out[k] = sigmoid(z[k + 1]);
    }
    void contributions(std::span<const float> x, std::span<float> out) const override {
        net_.gradient_times_input(scaled(x), 0, out);
    }
    std::string_view explanation_method() const override { return "gradient*input"; }

private:
    std::span<const float> scaled(std::span<const float> x) const {
        thread_local std::vector<float> buffer;
        buffer.resize(shape_.num_features);
        for (size_t j = 0; j < buffer.size(); ++j) {
            buffer[j] = std::isnan(x[j]) ? 0.0f : (x[j] - shape_.mean[j]) * shape_.inv_std[j];
        }
        return buffer;
    }
    Mlp net_;
    ScorerShape shape_;
};

}  // namespace

Result<std::unique_ptr<Scorer>> make_mlp_scorer(const FileReader& read, const ScorerShape& shape) {
    auto text = read("mlp.json");
    if (!text) return text.error();
    auto net = Mlp::from_json(*text);
    if (!net) return net.error();
    if (net->num_inputs() != shape.num_features || net->num_outputs() != shape.num_families + 1) {
        return make_error(ErrorCode::kFormat, "mlp.json: network shape does not match the preprocessing/families");
    }
    if (shape.mean.size() != shape.num_features || shape.inv_std.size() != shape.num_features) {
        return make_error(ErrorCode::kFormat, "mlp model: scaling statistics missing");
    }
    return std::unique_ptr<Scorer>(std::make_unique<MlpScorer>(std::move(*net), shape));
}

}  // namespace detail
}  // namespace vigil::traffic
