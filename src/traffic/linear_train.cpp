// LIBLINEAR training of one linear-SVM head and Platt scaling. LIBLINEAR rather than LIBSVM:
// a kernel SVM costs O(n^2) kernel evaluations on 100k+ rows and its serving cost grows with the
// number of support vectors, while a linear SVM trains in seconds and scores in one dot product.
#include <linear.h>

#include <cmath>
#include <memory>

#include "vigil/traffic/linear_model.hpp"

namespace vigil::traffic {

namespace {
void silent(const char*) {}

struct ModelFree {
    void operator()(model* m) const { free_and_destroy_model(&m); }
};
}  // namespace

void fit_platt(std::span<const float> dec, std::span<const uint8_t> labels, float& a_out, float& b_out) {
    // Platt's method with the Newton iteration of Lin, Lin & Weng (2007).
    double prior1 = 0, prior0 = 0;
    for (uint8_t y : labels) (y ? prior1 : prior0) += 1;
    const double hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
    const size_t n = dec.size();
    double A = 0, B = std::log((prior0 + 1) / (prior1 + 1));  // on P = 1/(1+exp(A f + B))
    auto objective = [&](double a, double b) {
        double f = 0;
        for (size_t i = 0; i < n; ++i) {
            const double t = labels[i] ? hi : lo;
            const double fApB = dec[i] * a + b;
            f += fApB >= 0 ? t * fApB + std::log1p(std::exp(-fApB)) : (t - 1) * fApB + std::log1p(std::exp(fApB));
        }
        return f;
    };
    double fval = objective(A, B);
    for (int it = 0; it < 100; ++it) {
        double h11 = 1e-12, h22 = 1e-12, h21 = 0, g1 = 0, g2 = 0;
        for (size_t i = 0; i < n; ++i) {
            const double t = labels[i] ? hi : lo;
            const double fApB = dec[i] * A + B;
            double p, q;
            if (fApB >= 0) {
                p = std::exp(-fApB) / (1.0 + std::exp(-fApB));
                q = 1.0 / (1.0 + std::exp(-fApB));
            } else {
                p = 1.0 / (1.0 + std::exp(fApB));
                q = std::exp(fApB) / (1.0 + std::exp(fApB));
            }
            const double d2 = p * q;
            h11 += dec[i] * dec[i] * d2;
            h22 += d2;
            h21 += dec[i] * d2;
            const double d1 = t - p;
            g1 += dec[i] * d1;
            g2 += d1;
        }
        if (std::abs(g1) < 1e-5 && std::abs(g2) < 1e-5) break;
        const double det = h11 * h22 - h21 * h21;
        const double dA = -(h22 * g1 - h21 * g2) / det, dB = -(-h21 * g1 + h11 * g2) / det;
        const double gd = g1 * dA + g2 * dB;
        double step = 1;
        bool moved = false;
        while (step >= 1e-10) {
            const double nA = A + step * dA, nB = B + step * dB;
            const double nf = objective(nA, nB);
            if (nf < fval + 1e-4 * step * gd) {
                A = nA;
                B = nB;
                fval = nf;
                moved = true;
                break;
            }
            step /= 2;
        }
        if (!moved) break;
    }
    // Our convention: P = sigmoid(a d + b) = 1 / (1 + exp(-(a d + b))).
    a_out = static_cast<float>(-A);
    b_out = static_cast<float>(-B);
}

Result<LinearHead> train_linear_svm(std::span<const float> x, size_t cols, std::span<const uint8_t> labels,
                                    std::span<const float> valid_x, std::span<const uint8_t> valid_labels,
                                    const LinearTrainParams& params) {
    const size_t n = labels.size();
    if (cols == 0 || x.size() != n * cols) return make_error(ErrorCode::kInvalidArgument, "svm: inconsistent shapes");
    size_t positives = 0;
    for (uint8_t y : labels) positives += y ? 1 : 0;
    if (positives == 0 || positives == n) return make_error(ErrorCode::kInvalidArgument, "svm: training rows need both classes");
    set_print_string_function(&silent);
    // Sparse rows: zeros are skipped (standardised one-hot columns are mostly zero only when not
    // centred, so the caller passes uncentred rows and we fold the centring into the bias).
    std::vector<feature_node> nodes;
    std::vector<size_t> starts(n);
    for (size_t r = 0; r < n; ++r) {
        starts[r] = nodes.size();
        for (size_t j = 0; j < cols; ++j) {
            const float v = x[r * cols + j];
            if (v != 0.0f && !std::isnan(v)) nodes.push_back({static_cast<int>(j + 1), v});
        }
        nodes.push_back({static_cast<int>(cols + 1), 1.0});  // bias feature
        nodes.push_back({-1, 0.0});
    }
    std::vector<feature_node*> rows(n);
    std::vector<double> y(n);
    for (size_t r = 0; r < n; ++r) {
        rows[r] = nodes.data() + starts[r];
        y[r] = labels[r] ? 1.0 : -1.0;
    }
    problem prob{};
    prob.l = static_cast<int>(n);
    prob.n = static_cast<int>(cols + 1);
    prob.y = y.data();
    prob.x = rows.data();
    prob.bias = -1;  // bias added explicitly above as the last feature
    parameter param{};
    param.solver_type = L2R_L2LOSS_SVC_DUAL;
    param.eps = params.eps;
    param.C = params.c;
    int weight_label[2] = {1, -1};
    double weight[2] = {1.0, 1.0};
    if (params.balance) {
        weight[0] = static_cast<double>(n) / (2.0 * static_cast<double>(positives));
        weight[1] = static_cast<double>(n) / (2.0 * static_cast<double>(n - positives));
    }
    param.nr_weight = 2;
    param.weight_label = weight_label;
    param.weight = weight;
    if (const char* err = check_parameter(&prob, &param)) return make_error(ErrorCode::kInvalidArgument, std::string("svm: ") + err);
    std::unique_ptr<model, ModelFree> m(train(&prob, &param));
    if (!m) return make_error(ErrorCode::kInternal, "svm: LIBLINEAR training failed");
    int label_idx = 0;
    for (int k = 0; k < get_nr_class(m.get()); ++k) {
        int labels_out[2] = {0, 0};
        get_labels(m.get(), labels_out);
        if (labels_out[k] == 1) label_idx = k;
    }
    LinearHead head;
    head.w.resize(cols);
    for (size_t j = 0; j < cols; ++j) head.w[j] = static_cast<float>(get_decfun_coef(m.get(), static_cast<int>(j + 1), label_idx));
    head.b = static_cast<float>(get_decfun_coef(m.get(), static_cast<int>(cols + 1), label_idx));
    // Platt scaling on validation decision values (training ones would be over-confident).
    std::span<const float> px = valid_x.empty() ? x : valid_x;
    std::span<const uint8_t> py = valid_x.empty() ? labels : valid_labels;
    std::vector<float> dec(py.size());
    for (size_t r = 0; r < py.size(); ++r) dec[r] = head.decision(px.subspan(r * cols, cols));
    fit_platt(dec, py, head.platt_a, head.platt_b);
    return head;
}

}  // namespace vigil::traffic
