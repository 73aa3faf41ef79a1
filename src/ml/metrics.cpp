#include "vigil/ml/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>


namespace vigil::ml {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(size_t num, size_t den) { return den == 0 ? kNaN : static_cast<double>(num) / static_cast<double>(den); }

// Cumulative counts after each group of tied scores, from the highest score down.
struct Step {
    double score;
    size_t tp, fp;
};

std::vector<Step> cumulative_steps(std::span<const float> scores, std::span<const int> labels) {
    std::vector<size_t> order(scores.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] > scores[b]; });
    std::vector<Step> steps;
    size_t tp = 0, fp = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        if (labels[order[i]] == 1) ++tp; else ++fp;
        bool group_end = i + 1 == order.size() || scores[order[i + 1]] != scores[order[i]];
        if (group_end) steps.push_back({scores[order[i]], tp, fp});
    }
    return steps;
}

size_t count_positives(std::span<const int> labels) {
    return static_cast<size_t>(std::count(labels.begin(), labels.end(), 1));
}

}  // namespace

BinaryMetrics evaluate(std::span<const float> scores, std::span<const int> labels, double threshold) {
    BinaryMetrics m;
    m.n = scores.size();
    m.threshold = threshold;
    Confusion& c = m.confusion;
    for (size_t i = 0; i < scores.size(); ++i) {
        bool predicted = scores[i] >= threshold;
        bool actual = labels[i] == 1;
        if (predicted && actual) ++c.tp;
        else if (predicted) ++c.fp;
        else if (actual) ++c.fn;
        else ++c.tn;
    }
    m.positives = c.tp + c.fn;
    m.negatives = c.fp + c.tn;
    m.accuracy = ratio(c.tp + c.tn, m.n);
    m.recall = m.tpr = ratio(c.tp, m.positives);
    m.fpr = ratio(c.fp, m.negatives);
    // Flagging nothing on data with positives has precision 0 (not undefined): it found none.
    m.precision = c.tp + c.fp > 0 ? ratio(c.tp, c.tp + c.fp) : (m.positives > 0 ? 0.0 : kNaN);
    m.f1 = m.positives > 0 ? ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn) : kNaN;
    m.roc_auc = roc_auc(scores, labels);
    m.pr_auc = pr_auc(scores, labels);
    return m;
}

std::vector<CurvePoint> roc_curve(std::span<const float> scores, std::span<const int> labels) {
    size_t pos = count_positives(labels);
    size_t neg = labels.size() - pos;
    if (pos == 0 || neg == 0) return {};
    std::vector<CurvePoint> curve{{0.0, 0.0, std::numeric_limits<double>::infinity()}};
    for (const Step& s : cumulative_steps(scores, labels)) {
        curve.push_back({static_cast<double>(s.fp) / static_cast<double>(neg),
                         static_cast<double>(s.tp) / static_cast<double>(pos), s.score});
    }
    return curve;
}

std::vector<CurvePoint> pr_curve(std::span<const float> scores, std::span<const int> labels) {
    size_t pos = count_positives(labels);
    if (pos == 0) return {};
    std::vector<CurvePoint> curve;
    for (const Step& s : cumulative_steps(scores, labels)) {
        curve.push_back({static_cast<double>(s.tp) / static_cast<double>(pos),
                         static_cast<double>(s.tp) / static_cast<double>(s.tp + s.fp), s.score});
    }
    return curve;
}

double roc_auc(std::span<const float> scores, std::span<const int> labels) {
    auto curve = roc_curve(scores, labels);
    if (curve.empty()) return kNaN;
    double area = 0;
    for (size_t i = 1; i < curve.size(); ++i) {
        area += (curve[i].x - curve[i - 1].x) * (curve[i].y + curve[i - 1].y) / 2.0;  // trapezoid: ties = diagonal
    }
    return area;
}

double pr_auc(std::span<const float> scores, std::span<const int> labels) {
    // Without negatives every threshold has precision 1: the number would say nothing.
    if (count_positives(labels) == labels.size()) return kNaN;
    auto curve = pr_curve(scores, labels);
    if (curve.empty()) return kNaN;
    double area = 0, prev_recall = 0;
    for (const CurvePoint& p : curve) {
        area += (p.x - prev_recall) * p.y;
        prev_recall = p.x;
    }
    return area;
}

double choose_threshold(std::span<const float> scores, std::span<const int> labels, double max_fpr) {
    if (scores.empty()) return 0.5;
    size_t pos = count_positives(labels);
    size_t neg = labels.size() - pos;
    float top = *std::max_element(scores.begin(), scores.end());
    // "Nothing flagged": just above the highest score.
    double best_threshold = std::nextafter(top, std::numeric_limits<float>::infinity());
    double best_f1 = -1;
    for (const Step& s : cumulative_steps(scores, labels)) {
        double fpr = neg == 0 ? 0.0 : static_cast<double>(s.fp) / static_cast<double>(neg);
        if (fpr > max_fpr) break;  // FPR only grows as the threshold falls
        if (s.tp == 0) continue;
        double f1 = 2.0 * static_cast<double>(s.tp) / static_cast<double>(2 * s.tp + s.fp + (pos - s.tp));
        if (f1 > best_f1) {  // strict: on ties the earlier (higher) threshold stays
            best_f1 = f1;
            best_threshold = s.score;
        }
    }
    return best_threshold;
}

double threshold_for_recall(std::span<const float> scores, std::span<const int> labels, double min_recall) {
    const size_t pos = count_positives(labels);
    if (pos == 0) return 0.5;
    for (const Step& s : cumulative_steps(scores, labels)) {
        if (static_cast<double>(s.tp) / static_cast<double>(pos) >= min_recall) return s.score;
    }
    return 0.5;  // unreachable: the last step has recall 1
}

std::string to_json(const BinaryMetrics& m) {
    // Written by hand rather than via boost::json::serialize, which prints 0.5 as "5E-1": shortest
    // round-trip decimals (std::to_chars) are easier on people and on every JSON parser.
    auto number = [](double v) -> std::string {
        if (!std::isfinite(v)) return "null";
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
        return ec == std::errc() ? std::string(buf, end) : "null";
    };
    std::string o = "{";
    auto field = [&o](std::string_view key, const std::string& value) {
        if (o.size() > 1) o += ',';
        o += '"';
        o += key;
        o += "\":";
        o += value;
    };
    field("n", std::to_string(m.n));
    field("positives", std::to_string(m.positives));
    field("negatives", std::to_string(m.negatives));
    field("roc_auc", number(m.roc_auc));
    field("pr_auc", number(m.pr_auc));
    field("accuracy", number(m.accuracy));
    field("precision", number(m.precision));
    field("recall", number(m.recall));
    field("f1", number(m.f1));
    field("fpr", number(m.fpr));
    field("tpr", number(m.tpr));
    field("threshold", number(m.threshold));
    field("confusion", "{\"tp\":" + std::to_string(m.confusion.tp) + ",\"fp\":" + std::to_string(m.confusion.fp) +
                           ",\"tn\":" + std::to_string(m.confusion.tn) + ",\"fn\":" + std::to_string(m.confusion.fn) +
                           "}");
    o += '}';
    return o;
}

}  // namespace vigil::ml
