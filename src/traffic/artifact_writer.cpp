// write_traffic_artifacts: model files, metadata.json and the comparison report (Markdown, HTML,
// ROC curves per candidate, confusion matrix of the selected one).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "vigil/ml/report.hpp"
#include "vigil/traffic/training.hpp"

namespace vigil::traffic {

namespace {

Status write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return make_error(ErrorCode::kIo, "cannot write " + path.string());
    return {};
}

Status write_files(const std::filesystem::path& dir, const CandidateResult& c) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::kIo, "cannot create " + dir.string() + ": " + ec.message());
    for (const auto& [name, text] : c.files) {
        if (auto st = write_text(dir / name, text); !st) return st;
    }
    return {};
}

std::string fmt(double v, int digits = 4) {
    if (std::isnan(v)) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string comparison_markdown(const TrafficTrainResult& r) {
    std::ostringstream md;
    md << "| model | accuracy | precision | recall | F1 | ROC-AUC | FPR | threshold | family acc. | train s | µs/prediction |\n"
       << "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (size_t i = 0; i < r.candidates.size(); ++i) {
        const auto& c = r.candidates[i];
        md << "| " << c.algorithm << (i == r.best ? " (selected)" : "") << " | " << fmt(c.valid.accuracy) << " | "
           << fmt(c.valid.precision) << " | " << fmt(c.valid.recall) << " | " << fmt(c.valid.f1) << " | "
           << fmt(c.valid.roc_auc) << " | " << fmt(c.valid.fpr) << " | " << fmt(c.threshold) << " | "
           << fmt(c.family_accuracy) << " | " << fmt(c.train_seconds, 1) << " | " << fmt(c.us_per_prediction, 2) << " |\n";
    }
    return md.str();
}

std::string family_markdown(const TrafficTrainResult& r, const CandidateResult& c) {
    std::vector<std::string> names = {"normal"};
    names.insert(names.end(), r.families.begin(), r.families.end());
    std::ostringstream md;
    md << "| true \\ predicted |";
    for (size_t f = 0; f < c.family_confusion.size(); ++f) md << " " << (f < names.size() ? names[f] : "(no head)") << " |";
    md << " recall |\n|---|";
    for (size_t f = 0; f <= c.family_confusion.size(); ++f) md << "---|";
    md << "\n";
    for (size_t f = 0; f < c.family_confusion.size(); ++f) {
        md << "| " << (f < names.size() ? names[f] : "(no head)") << " |";
        for (size_t g = 0; g < c.family_confusion.size(); ++g) md << " " << c.family_confusion[f][g] << " |";
        md << " " << fmt(c.family_recall[f]) << " |\n";
    }
    return md.str();
}

}  // namespace

Status write_traffic_artifacts(const std::filesystem::path& dir, const TrafficTrainResult& r, bool keep_candidates) {
    if (r.candidates.empty()) return make_error(ErrorCode::kInvalidArgument, "no trained model to write");
    const CandidateResult& best = r.candidates[r.best];
    if (auto st = write_files(dir, best); !st) return st;
    if (keep_candidates) {
        for (const auto& c : r.candidates) {
            if (auto st = write_files(dir / "candidates" / c.algorithm, c); !st) return st;
        }
    }
    const auto report = dir / "report";
    std::error_code ec;
    std::filesystem::create_directories(report, ec);
    if (ec) return make_error(ErrorCode::kIo, "cannot create " + report.string());
    for (const auto& c : r.candidates) {
        const std::string svg = ml::render_curve_svg("ROC (validation) — " + c.algorithm, "false positive rate",
                                                     "true positive rate", c.valid_roc, "AUC = " + fmt(c.valid.roc_auc),
                                                     true, ml::operating_point(c.valid_roc, c.threshold));
        if (auto st = write_text(report / ("roc-" + c.algorithm + ".svg"), svg); !st) return st;
    }
    if (auto st = write_text(report / "confusion.svg",
                             ml::render_confusion_svg("Confusion (validation) — " + best.algorithm, best.valid.confusion));
        !st) {
        return st;
    }
    std::ostringstream md;
    md << "# Traffic model report\n\nCreated " << r.created_utc << ". Training rows " << r.train_rows << ", validation rows "
       << r.valid_rows << " (deterministic stratified split by family), " << r.num_features
       << " features after preprocessing.\n\nAll figures are on the validation split; each model's threshold was chosen "
          "there too ("
       << r.threshold_rule << "), so they are optimistic. Selected: **"
       << best.algorithm << "** (highest validation F1; ties to ROC-AUC, then speed).\n\n## Binary head (normal vs attack)\n\n"
       << comparison_markdown(r) << "\nµs/prediction: binary and family heads of one encoded row, single thread.\n\n"
       << "## Family head of the selected model\n\n" << family_markdown(r, best) << "\n## Figures\n\n";
    for (const auto& c : r.candidates) md << "![ROC " << c.algorithm << "](roc-" << c.algorithm << ".svg)\n";
    md << "![confusion](confusion.svg)\n";
    if (auto st = write_text(report / "report.md", md.str()); !st) return st;
    // The HTML report embeds the same tables as preformatted Markdown plus the figures.
    std::ostringstream html;
    html << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Traffic model report</title></head><body>"
         << "<h1>Traffic model report</h1><pre>" << ml::xml_escape(md.str()) << "</pre>";
    for (const auto& c : r.candidates) html << "<img src=\"roc-" << ml::xml_escape(c.algorithm) << ".svg\">";
    html << "<img src=\"confusion.svg\"></body></html>\n";
    return write_text(report / "report.html", html.str());
}

}  // namespace vigil::traffic
