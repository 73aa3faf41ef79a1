#include "vigil/ml/report.hpp"

#include <cmath>
#include <cstdio>

namespace vigil::ml {
namespace {

std::string num(double v) {
    if (!std::isfinite(v)) v = 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

std::string attr(std::string_view name, std::string_view value) {
    // Appends instead of operator+ chains: g++ 12 warns falsely (-Wrestrict) on "lit" + string.
    std::string out;
    out.reserve(name.size() + value.size() + 4);
    out += ' ';
    out += name;
    out += "=\"";
    out += xml_escape(value);
    out += '"';
    return out;
}

// Plot area inside a 480x420 canvas.
constexpr int kWidth = 480, kHeight = 440;
constexpr double kLeft = 70, kTop = 50, kSize = 340;

double px(double x) { return kLeft + x * kSize; }
double py(double y) { return kTop + (1.0 - y) * kSize; }

}  // namespace

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
                out += c;
        }
    }
    return out;
}

SvgWriter::SvgWriter(int width, int height) : width_(width), height_(height) {}

void SvgWriter::rect(double x, double y, double w, double h, std::string_view fill, std::string_view stroke) {
    body_ += "<rect" + attr("x", num(x)) + attr("y", num(y)) + attr("width", num(w)) + attr("height", num(h)) +
             attr("fill", fill) + attr("stroke", stroke) + "/>\n";
}

void SvgWriter::line(double x1, double y1, double x2, double y2, std::string_view stroke, double width, bool dashed) {
    body_ += "<line" + attr("x1", num(x1)) + attr("y1", num(y1)) + attr("x2", num(x2)) + attr("y2", num(y2)) +
             attr("stroke", stroke) + attr("stroke-width", num(width)) +
             (dashed ? attr("stroke-dasharray", "4 4") : std::string()) + "/>\n";
}

void SvgWriter::polyline(std::span<const std::pair<double, double>> points, std::string_view stroke, double width) {
    std::string pts;
    for (const auto& [x, y] : points) {
        if (!pts.empty()) pts += ' ';
        pts += num(x) + "," + num(y);
    }
    body_ += "<polyline" + attr("points", pts) + attr("fill", "none") + attr("stroke", stroke) +
             attr("stroke-width", num(width)) + attr("stroke-linejoin", "round") + "/>\n";
}

void SvgWriter::text(double x, double y, std::string_view content, double size, std::string_view anchor,
                     std::string_view fill, bool bold, double rotate) {
    body_ += "<text" + attr("x", num(x)) + attr("y", num(y)) + attr("font-size", num(size)) +
             attr("text-anchor", anchor) + attr("fill", fill) + attr("font-family", "sans-serif") +
             (bold ? attr("font-weight", "bold") : std::string()) +
             (rotate != 0 ? attr("transform", "rotate(" + num(rotate) + " " + num(x) + " " + num(y) + ")")
                          : std::string()) +
             ">" + xml_escape(content) + "</text>\n";
}

std::string SvgWriter::str() const {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"" +
           attr("width", std::to_string(width_)) + attr("height", std::to_string(height_)) +
           attr("viewBox", "0 0 " + std::to_string(width_) + " " + std::to_string(height_)) + ">\n" + body_ +
           "</svg>\n";
}

long operating_point(std::span<const CurvePoint> points, double threshold) {
    long best = -1;
    for (size_t i = 0; i < points.size(); ++i) {
        if (points[i].threshold >= threshold && std::isfinite(points[i].threshold)) best = static_cast<long>(i);
    }
    return best;
}

std::string render_curve_svg(std::string_view title, std::string_view x_label, std::string_view y_label,
                             std::span<const CurvePoint> points, std::string_view legend, bool diagonal, long marker) {
    SvgWriter svg(kWidth, kHeight);
    svg.rect(0, 0, kWidth, kHeight, "#ffffff");
    svg.text(kWidth / 2.0, 28, title, 16, "middle", "#222", true);
    svg.rect(kLeft, kTop, kSize, kSize, "#fafafa", "#888");
    for (int i = 0; i <= 10; ++i) {
        double t = i / 10.0;
        if (i > 0 && i < 10) {
            svg.line(px(t), kTop, px(t), kTop + kSize, "#e4e4e4");
            svg.line(kLeft, py(t), kLeft + kSize, py(t), "#e4e4e4");
        }
        if (i % 2 == 0) {
            char lbl[8];
            std::snprintf(lbl, sizeof lbl, "%.1f", t);
            svg.text(px(t), kTop + kSize + 16, lbl, 11, "middle");
            svg.text(kLeft - 6, py(t) + 4, lbl, 11, "end");
        }
    }
    svg.text(kLeft + kSize / 2, kTop + kSize + 36, x_label, 13, "middle");
    svg.text(22, kTop + kSize / 2, y_label, 13, "middle", "#222", false, -90);
    if (diagonal) svg.line(px(0), py(0), px(1), py(1), "#999", 1, true);

    // Thin the curve to one point per half pixel: curves of 100k distinct scores stay small.
    std::vector<std::pair<double, double>> pts;
    for (const CurvePoint& p : points) {
        std::pair<double, double> q{px(p.x), py(p.y)};
        if (!pts.empty() && std::abs(pts.back().first - q.first) < 0.5 && std::abs(pts.back().second - q.second) < 0.5) {
            continue;
        }
        pts.push_back(q);
    }
    if (!points.empty() && (pts.empty() || pts.back() != std::pair{px(points.back().x), py(points.back().y)})) {
        pts.emplace_back(px(points.back().x), py(points.back().y));
    }
    if (!pts.empty()) svg.polyline(pts, "#1f6fb4", 2.2);
    if (marker >= 0 && static_cast<size_t>(marker) < points.size()) {
        const CurvePoint& m = points[static_cast<size_t>(marker)];
        svg.rect(px(m.x) - 4, py(m.y) - 4, 8, 8, "#d62728", "#ffffff");
        char lbl[64];
        std::snprintf(lbl, sizeof lbl, "threshold %.3f", m.threshold);
        svg.text(std::min(px(m.x) + 8, kLeft + kSize - 90), std::max(py(m.y) + 16, kTop + 14.0), lbl, 11, "start",
                 "#d62728");
    }
    svg.text(kLeft + kSize - 8, kTop + kSize - 10, legend, 13, "end", "#1f6fb4", true);
    return svg.str();
}

std::string render_confusion_svg(std::string_view title, const Confusion& c) {
    SvgWriter svg(kWidth, 400);
    svg.rect(0, 0, kWidth, 400, "#ffffff");
    svg.text(kWidth / 2.0, 28, title, 16, "middle", "#222", true);
    const double x0 = 150, y0 = 80, cell = 140;
    // rows: actual phishing, actual legitimate; columns: predicted phishing, predicted legitimate.
    const double counts[2][2] = {{static_cast<double>(c.tp), static_cast<double>(c.fn)},
                                 {static_cast<double>(c.fp), static_cast<double>(c.tn)}};
    const char* names[2][2] = {{"TP", "FN"}, {"FP", "TN"}};
    for (int r = 0; r < 2; ++r) {
        double row_total = counts[r][0] + counts[r][1];
        for (int k = 0; k < 2; ++k) {
            double rate = row_total > 0 ? counts[r][k] / row_total : 0;
            bool correct = r == k;
            // Shade by the row-normalised rate: green for correct cells, red for errors.
            int shade = 255 - static_cast<int>(std::lround(rate * 150));
            char fill[16];
            if (correct) std::snprintf(fill, sizeof fill, "#%02x%02x%02x", shade, 255, shade);
            else std::snprintf(fill, sizeof fill, "#%02x%02x%02x", 255, shade, shade);
            double x = x0 + k * cell, y = y0 + r * cell;
            svg.rect(x, y, cell, cell, fill, "#666");
            svg.text(x + cell / 2, y + 48, names[r][k], 14, "middle", "#444", true);
            svg.text(x + cell / 2, y + 78, std::to_string(static_cast<long long>(counts[r][k])), 18, "middle");
            char pct[32];
            std::snprintf(pct, sizeof pct, "%.2f%% of row", rate * 100);
            svg.text(x + cell / 2, y + 102, pct, 11, "middle", "#555");
        }
    }
    svg.text(x0 + cell / 2, y0 - 10, "predicted phishing", 12, "middle");
    svg.text(x0 + cell * 1.5, y0 - 10, "predicted legitimate", 12, "middle");
    svg.text(x0 - 10, y0 + cell / 2 + 4, "actual phishing", 12, "end");
    svg.text(x0 - 10, y0 + cell * 1.5 + 4, "actual legitimate", 12, "end");
    return svg.str();
}

}  // namespace vigil::ml
