// Linear SVM ("svm"): one LIBLINEAR weight vector per head on standardised features, with Platt
// scaling (fitted on the validation split) turning decision values into probabilities.
// Explanations are exact: contribution_j = a * w_j * x_j in Platt-margin space.
#include <boost/json.hpp>
#include <cmath>

#include "scorers.hpp"
#include "vigil/traffic/linear_model.hpp"

namespace vigil::traffic {

namespace json = boost::json;

std::string LinearHead::to_json_value() const {
    json::object o;
    json::array jw;
    for (float v : w) jw.emplace_back(static_cast<double>(v));
    o["w"] = std::move(jw);
    o["b"] = static_cast<double>(b);
    o["platt_a"] = static_cast<double>(platt_a);
    o["platt_b"] = static_cast<double>(platt_b);
    return json::serialize(o);
}

float LinearHead::decision(std::span<const float> x) const {
    double s = b;
    for (size_t j = 0; j < w.size() && j < x.size(); ++j) s += static_cast<double>(w[j]) * x[j];
    return static_cast<float>(s);
}

float LinearHead::probability(std::span<const float> x) const {
    const double z = static_cast<double>(platt_a) * decision(x) + platt_b;
    return static_cast<float>(1.0 / (1.0 + std::exp(-z)));
}

std::string linear_model_json(std::span<const LinearHead> heads) {
    std::string out = "{\"heads\":[";
    for (size_t i = 0; i < heads.size(); ++i) {
        if (i) out += ',';
        out += heads[i].to_json_value();
    }
    out += "]}";
    return out;
}

namespace detail {

namespace {

void scale_into(std::span<const float> x, const ScorerShape& shape, std::span<float> out) {
    for (size_t j = 0; j < out.size(); ++j) out[j] = std::isnan(x[j]) ? 0.0f : (x[j] - shape.mean[j]) * shape.inv_std[j];
}

class LinearScorer final : public Scorer {
public:
    LinearScorer(std::vector<LinearHead> heads, ScorerShape shape) : heads_(std::move(heads)), shape_(std::move(shape)) {}
    size_t num_features() const override { return shape_.num_features; }
    size_t num_families() const override { return heads_.size() - 1; }
    float attack_probability(std::span<const float> x) const override { return heads_[0].probability(scaled(x)); }
    void family_probabilities(std::span<const float> x, std::span<float> out) const override {
        const auto xs = scaled(x);
        for (size_t k = 1; k < heads_.size() && k - 1 < out.size(); ++k) out[k - 1] = heads_[k].probability(xs);
    }
    void contributions(std::span<const float> x, std::span<float> out) const override {
        const auto xs = scaled(x);
        const LinearHead& h = heads_[0];
        for (size_t j = 0; j < out.size() && j < h.w.size(); ++j) out[j] = h.platt_a * h.w[j] * xs[j];
    }
    std::string_view explanation_method() const override { return "linear"; }

private:
    std::span<const float> scaled(std::span<const float> x) const {
        thread_local std::vector<float> buffer;
        buffer.resize(shape_.num_features);
        scale_into(x, shape_, buffer);
        return buffer;
    }
    std::vector<LinearHead> heads_;
    ScorerShape shape_;
};

}  // namespace

Result<std::unique_ptr<Scorer>> make_linear_scorer(const FileReader& read, const ScorerShape& shape) {
    auto text = read("linear.json");
    if (!text) return text.error();
    boost::system::error_code ec;
    json::value v = json::parse(*text, ec);
    if (ec || !v.is_object()) return make_error(ErrorCode::kFormat, "linear.json: not a JSON object");
    std::vector<LinearHead> heads;
    try {
        for (const auto& h : v.as_object().at("heads").as_array()) {
            LinearHead head;
            for (const auto& w : h.at("w").as_array()) head.w.push_back(static_cast<float>(w.to_number<double>()));
            head.b = static_cast<float>(h.at("b").to_number<double>());
            head.platt_a = static_cast<float>(h.at("platt_a").to_number<double>());
            head.platt_b = static_cast<float>(h.at("platt_b").to_number<double>());
            if (head.w.size() != shape.num_features) {
                return make_error(ErrorCode::kFormat, "linear.json: a head has " + std::to_string(head.w.size()) +
                                                          " weights, the preprocessing " + std::to_string(shape.num_features));
            }
            heads.push_back(std::move(head));
        }
    } catch (const std::exception& e) {
        return make_error(ErrorCode::kFormat, std::string("linear.json: ") + e.what());
    }
    if (heads.size() != shape.num_families + 1) {
        return make_error(ErrorCode::kFormat, "linear.json: " + std::to_string(heads.size()) + " heads, expected " +
                                                  std::to_string(shape.num_families + 1));
    }
    if (shape.mean.size() != shape.num_features || shape.inv_std.size() != shape.num_features) {
        return make_error(ErrorCode::kFormat, "linear model: scaling statistics missing");
    }
    return std::unique_ptr<Scorer>(std::make_unique<LinearScorer>(std::move(heads), shape));
}

}  // namespace detail
}  // namespace vigil::traffic
