#pragma once
// The URL verdict: what /api/v1/check and `vigil check` return (DESIGN contract).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/url/url.hpp"

namespace vigil::api {

enum class VerdictLabel : uint8_t { kBenign, kSuspicious, kPhishing };
enum class Severity : uint8_t { kInfo, kLow, kMedium, kHigh };

std::string_view to_string(VerdictLabel v);
std::string_view to_string(Severity s);

// HIGH >= 0.8, MEDIUM >= 0.5, LOW >= 0.3, INFO below.
Severity severity_from_score(double score);

struct Reason {
    std::string kind;   // "feature" (model contribution) or "rule" (allow-list, feed, lookalike)
    std::string name;
    double value = 0;          // feature value, or 1 for a rule hit
    double contribution = 0;   // margin-space contribution; positive pushes towards phishing
    std::string detail = {};   // rules: what matched (e.g. the imitated domain); omitted when empty
};

// The part of a verdict that depends only on the canonical URL and the model: immutable once
// built and shared between the cache and concurrent requests.
struct UrlVerdict {
    std::string canonical_url;  // Safe Browsing canonical form
    std::string registrable_domain;
    VerdictLabel verdict = VerdictLabel::kBenign;
    double score = 0;           // calibrated probability of phishing, 0..1
    Severity severity = Severity::kInfo;
    std::vector<Reason> reasons;
    std::string explanation;    // "treeshap" (exact) or "path" (Saabas approximation)
    std::string model_name;
    std::string model_version;
    // intel::expression_key() of the URL's lookup expressions, computed once per canonical URL when a rule
    // needs them (the threat-feed prefilter); not serialised.
    std::vector<uint64_t> expression_keys;
};

// One answer to one request: the shared verdict plus what is particular to this request.
struct UrlCheck {
    std::shared_ptr<const UrlVerdict> verdict;
    bool cached = false;
    int64_t took_us = 0;
};

// Appends the verdict as one JSON object; `url` is the URL as the caller gave it.
void append_verdict_json(std::string& out, std::string_view url, const UrlCheck& check);

}  // namespace vigil::api
