#include "vigil/api/url_verdict.hpp"

#include "vigil/api/json_writer.hpp"

namespace vigil::api {

std::string_view to_string(VerdictLabel v) {
    switch (v) {
        case VerdictLabel::kPhishing: return "phishing";
        case VerdictLabel::kSuspicious: return "suspicious";
        case VerdictLabel::kBenign: break;
    }
    return "benign";
}

std::string_view to_string(Severity s) {
    switch (s) {
        case Severity::kHigh: return "HIGH";
        case Severity::kMedium: return "MEDIUM";
        case Severity::kLow: return "LOW";
        case Severity::kInfo: break;
    }
    return "INFO";
}

Severity severity_from_score(double score) {
    if (score >= 0.8) return Severity::kHigh;
    if (score >= 0.5) return Severity::kMedium;
    if (score >= 0.3) return Severity::kLow;
    return Severity::kInfo;
}

void append_verdict_json(std::string& out, std::string_view url, const UrlCheck& check) {
    const UrlVerdict& v = *check.verdict;
    JsonWriter w(out);
    w.begin_object();
    w.field("url", url);
    w.field("canonical_url", v.canonical_url);
    w.field("registrable_domain", v.registrable_domain);
    w.field("verdict", to_string(v.verdict));
    w.field("score", v.score);
    w.field("severity", to_string(v.severity));
    w.key("reasons").begin_array();
    for (const auto& r : v.reasons) {
        w.begin_object();
        w.field("kind", r.kind);
        w.field("name", r.name);
        w.field("value", r.value);
        w.field("contribution", r.contribution);
        if (!r.detail.empty()) w.field("detail", r.detail);
        w.end_object();
    }
    w.end_array();
    w.field("explanation", v.explanation);
    w.key("model").begin_object().field("name", v.model_name).field("version", v.model_version).end_object();
    w.field("cached", check.cached);
    w.field("took_us", check.took_us);
    w.end_object();
}

}  // namespace vigil::api
