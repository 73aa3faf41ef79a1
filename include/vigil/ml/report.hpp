#pragma once
// Model report figures drawn by our own small SVG writer (no plotting dependency): ROC and PR
// curves and the confusion matrix.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/ml/metrics.hpp"

namespace vigil::ml {

// Escapes &, <, >, " and ' for XML text and attribute values; drops bytes that XML 1.0 forbids
// (control characters other than tab, LF, CR).
std::string xml_escape(std::string_view text);

// Minimal SVG 1.1 document builder. Coordinates are in pixels, origin top-left.
class SvgWriter {
public:
    SvgWriter(int width, int height);

    void rect(double x, double y, double w, double h, std::string_view fill, std::string_view stroke = "none");
    void line(double x1, double y1, double x2, double y2, std::string_view stroke, double width = 1.0,
              bool dashed = false);
    void polyline(std::span<const std::pair<double, double>> points, std::string_view stroke, double width = 2.0);
    // anchor: "start", "middle" or "end".
    void text(double x, double y, std::string_view content, double size = 12, std::string_view anchor = "start",
              std::string_view fill = "#222", bool bold = false, double rotate = 0);

    // The complete document (XML declaration, <svg> root, elements, closing tag).
    std::string str() const;

private:
    int width_, height_;
    std::string body_;
};

// A curve in the unit square with axes, grid, title and a legend line (e.g. "AUC = 0.987").
// `diagonal` draws the chance line of a ROC plot. `marker` (if >= 0 index into points) is
// highlighted (the operating threshold).
std::string render_curve_svg(std::string_view title, std::string_view x_label, std::string_view y_label,
                             std::span<const CurvePoint> points, std::string_view legend, bool diagonal,
                             long marker = -1);

// Index of the operating point of "score >= threshold": the last curve point (thresholds fall
// along the curve) whose threshold is still >= `threshold`; -1 if none.
long operating_point(std::span<const CurvePoint> points, double threshold);

// 2x2 confusion matrix with counts and row-normalised rates.
std::string render_confusion_svg(std::string_view title, const Confusion& c);

}  // namespace vigil::ml
