// The SVG writer produces well-formed XML: checked by a small independent checker (balanced
// tags, quoted attributes, only the five predefined entities, no raw '<' or '&' in text).
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "vigil/ml/report.hpp"

namespace vigil::ml {
namespace {

// Returns "" when `doc` is well-formed (for the XML subset an SVG writer emits), else the reason.
std::string xml_problem(const std::string& doc) {
    size_t i = 0;
    if (doc.rfind("<?xml", 0) == 0) {
        i = doc.find("?>");
        if (i == std::string::npos) return "unterminated XML declaration";
        i += 2;
    }
    std::vector<std::string> stack;
    bool seen_root = false;
    auto check_entities = [](const std::string& text) -> std::string {
        for (size_t k = 0; k < text.size(); ++k) {
            if (text[k] == '<') return "raw '<' in text";
            if (text[k] == '&') {
                size_t semi = text.find(';', k);
                if (semi == std::string::npos) return "unterminated entity";
                std::string e = text.substr(k, semi - k + 1);
                if (e != "&amp;" && e != "&lt;" && e != "&gt;" && e != "&quot;" && e != "&apos;") return "bad entity " + e;
            }
        }
        return "";
    };
    while (i < doc.size()) {
        size_t lt = doc.find('<', i);
        std::string text = doc.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
        if (auto p = check_entities(text); !p.empty()) return p;
        if (stack.empty() && text.find_first_not_of(" \t\r\n") != std::string::npos) return "text outside the root";
        if (lt == std::string::npos) break;
        size_t gt = lt;
        char quote = 0;
        for (++gt; gt < doc.size(); ++gt) {  // '>' inside a quoted attribute does not end the tag
            if (quote) {
                if (doc[gt] == quote) quote = 0;
                else if (doc[gt] == '<') return "'<' in an attribute value";
            } else if (doc[gt] == '"' || doc[gt] == '\'') {
                quote = doc[gt];
            } else if (doc[gt] == '>') {
                break;
            }
        }
        if (gt >= doc.size()) return "unterminated tag";
        std::string tag = doc.substr(lt + 1, gt - lt - 1);
        i = gt + 1;
        if (tag.empty()) return "empty tag";
        if (tag[0] == '/') {
            std::string name = tag.substr(1);
            if (stack.empty() || stack.back() != name) return "mismatched </" + name + ">";
            stack.pop_back();
            continue;
        }
        bool self_closing = tag.back() == '/';
        if (self_closing) tag.pop_back();
        size_t name_end = 0;
        while (name_end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[name_end]))) ++name_end;
        std::string name = tag.substr(0, name_end);
        if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return "bad tag name '" + name + "'";
        // Attributes: name="value" pairs, each value quoted, entities valid, no duplicates.
        std::vector<std::string> attrs;
        size_t k = name_end;
        while (k < tag.size()) {
            while (k < tag.size() && std::isspace(static_cast<unsigned char>(tag[k]))) ++k;
            if (k >= tag.size()) break;
            size_t eq = tag.find('=', k);
            if (eq == std::string::npos) return "attribute without value in <" + name + ">";
            std::string an = tag.substr(k, eq - k);
            for (const auto& a : attrs) if (a == an) return "duplicate attribute " + an;
            attrs.push_back(an);
            if (eq + 1 >= tag.size() || (tag[eq + 1] != '"' && tag[eq + 1] != '\'')) return "unquoted attribute " + an;
            size_t close = tag.find(tag[eq + 1], eq + 2);
            if (close == std::string::npos) return "unterminated attribute " + an;
            if (auto p = check_entities(tag.substr(eq + 2, close - eq - 2)); !p.empty()) return p + " in " + an;
            k = close + 1;
        }
        if (stack.empty()) {
            if (seen_root) return "second root element";
            seen_root = true;
        }
        if (!self_closing) stack.push_back(name);
    }
    if (!stack.empty()) return "unclosed <" + stack.back() + ">";
    if (!seen_root) return "no root element";
    return "";
}

TEST(XmlChecker, RejectsBrokenDocuments) {
    // The checker itself must be able to fail.
    EXPECT_NE(xml_problem("<svg><g></svg>"), "");
    EXPECT_NE(xml_problem("<svg a=1/>"), "");
    EXPECT_NE(xml_problem("<svg>a & b</svg>"), "");
    EXPECT_NE(xml_problem("<svg/><svg/>"), "");
    EXPECT_EQ(xml_problem("<?xml version=\"1.0\"?>\n<svg x=\"1\"><t>a &amp; b</t></svg>\n"), "");
}

TEST(SvgWriter, EscapesTextAndAttributes) {
    EXPECT_EQ(xml_escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
    EXPECT_EQ(xml_escape(std::string("x\x01y", 3)), "xy");
    SvgWriter svg(100, 50);
    svg.text(1, 2, "<script>&\"</script>");
    svg.rect(0, 0, 10, 10, "#fff\"onload=\"x");
    const std::string doc = svg.str();
    EXPECT_EQ(xml_problem(doc), "") << doc;
    EXPECT_EQ(doc.find("<script>"), std::string::npos);
    EXPECT_NE(doc.find("width=\"100\""), std::string::npos);
}

TEST(SvgReport, CurvesAndConfusionAreWellFormed) {
    std::vector<float> scores;
    std::vector<int> labels;
    for (int i = 0; i < 2000; ++i) {
        labels.push_back(i % 3 == 0);
        scores.push_back(static_cast<float>((i * 7919) % 1000) / 1000.0f * 0.7f + (i % 3 == 0 ? 0.3f : 0.0f));
    }
    auto roc = roc_curve(scores, labels);
    auto pr = pr_curve(scores, labels);
    ASSERT_FALSE(roc.empty());
    const long op = operating_point(roc, 0.5);
    ASSERT_GE(op, 0);
    EXPECT_GE(roc[static_cast<size_t>(op)].threshold, 0.5);
    if (static_cast<size_t>(op) + 1 < roc.size()) {
        EXPECT_LT(roc[static_cast<size_t>(op) + 1].threshold, 0.5);
    }
    const std::string r = render_curve_svg("ROC <test> & more", "FPR", "TPR", roc, "AUC = 0.9", true, op);
    const std::string p = render_curve_svg("PR", "recall", "precision", pr, "AP", false, operating_point(pr, 0.5));
    const std::string c = render_confusion_svg("confusion", Confusion{.tp = 10, .fp = 2, .tn = 30, .fn = 1});
    EXPECT_EQ(xml_problem(r), "") << r.substr(0, 400);
    EXPECT_EQ(xml_problem(p), "");
    EXPECT_EQ(xml_problem(c), "");
    EXPECT_NE(r.find("<polyline"), std::string::npos);
    EXPECT_NE(c.find(">10<"), std::string::npos);
    EXPECT_NE(c.find(">30<"), std::string::npos);
    // Thinning keeps a 2000-point curve small.
    EXPECT_LT(r.size(), 60000u);
    // An empty curve (one class only) still gives a valid picture.
    EXPECT_EQ(xml_problem(render_curve_svg("empty", "x", "y", {}, "n/a", true)), "");
}

}  // namespace
}  // namespace vigil::ml
