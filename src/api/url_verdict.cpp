#include "vigil/api/url_verdict.hpp"

#include <cstring>

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

namespace {

// Appends a string literal's characters (no terminator); the size is a constant, so the copy is inlined.
template <size_t N>
char* put(char* p, const char (&literal)[N]) {
    std::memcpy(p, literal, N - 1);
    return p + N - 1;
}

}  // namespace

// Sized once and written through a pointer: a verdict is ~50 keys and values, and appending them one
// by one cost ~20,000 instructions per answer.
void append_verdict_json(std::string& out, std::string_view url, const UrlCheck& check) {
    const UrlVerdict& v = *check.verdict;
    constexpr size_t kFixed = 512;  // keys, punctuation, labels, numbers of the fixed fields
    size_t bound = kFixed + json_string_bound(url) + json_string_bound(v.canonical_url) +
                   json_string_bound(v.registrable_domain) + json_string_bound(v.explanation) +
                   json_string_bound(v.model_name) + json_string_bound(v.model_version);
    constexpr size_t kPerReason = 96 + 2 * kMaxJsonNumberBytes;
    for (const auto& r : v.reasons)
        bound += kPerReason + json_string_bound(r.kind) + json_string_bound(r.name) + json_string_bound(r.detail);
    const size_t old = out.size();
    out.resize(old + bound);
    char* p = out.data() + old;
    p = write_json_string(put(p, "{\"url\":"), url);
    p = write_json_string(put(p, ",\"canonical_url\":"), v.canonical_url);
    p = write_json_string(put(p, ",\"registrable_domain\":"), v.registrable_domain);
    p = write_json_string(put(p, ",\"verdict\":"), to_string(v.verdict));
    p = write_json_number(put(p, ",\"score\":"), v.score);
    p = write_json_string(put(p, ",\"severity\":"), to_string(v.severity));
    p = put(p, ",\"reasons\":[");
    for (size_t i = 0; i < v.reasons.size(); ++i) {
        const Reason& r = v.reasons[i];
        if (i > 0) *p++ = ',';
        p = write_json_string(put(p, "{\"kind\":"), r.kind);
        p = write_json_string(put(p, ",\"name\":"), r.name);
        p = write_json_number(put(p, ",\"value\":"), r.value);
        p = write_json_number(put(p, ",\"contribution\":"), r.contribution);
        if (!r.detail.empty()) p = write_json_string(put(p, ",\"detail\":"), r.detail);
        *p++ = '}';
    }
    p = write_json_string(put(p, "],\"explanation\":"), v.explanation);
    p = write_json_string(put(p, ",\"model\":{\"name\":"), v.model_name);
    p = write_json_string(put(p, ",\"version\":"), v.model_version);
    p = check.cached ? put(p, "},\"cached\":true") : put(p, "},\"cached\":false");
    p = write_json_integer(put(p, ",\"took_us\":"), check.took_us);
    *p++ = '}';
    out.resize(static_cast<size_t>(p - out.data()));
}

}  // namespace vigil::api
