#include "vigil/api/verdict_rules.hpp"

#include <algorithm>

namespace vigil::api {

std::string_view canonical_host(std::string_view canonical_url) {
    const size_t scheme = canonical_url.find("://");
    std::string_view rest = scheme == std::string_view::npos ? canonical_url : canonical_url.substr(scheme + 3);
    rest = rest.substr(0, rest.find('/'));
    if (!rest.empty() && rest.front() == '[') return rest.substr(0, rest.find(']') + 1);
    return rest.substr(0, rest.find(':'));
}

std::shared_ptr<const UrlVerdict> apply_rule_hits(std::shared_ptr<const UrlVerdict> model,
                                                  std::span<const RuleHit> hits) {
    if (hits.empty()) return model;
    auto has = [&](RuleEffect e) {
        return std::any_of(hits.begin(), hits.end(), [e](const RuleHit& h) { return h.effect == e; });
    };
    auto v = std::make_shared<UrlVerdict>(*model);
    if (has(RuleEffect::kPhishing)) {
        v->verdict = VerdictLabel::kPhishing;
        v->score = 1.0;
        v->severity = Severity::kHigh;
    } else if (has(RuleEffect::kBenign)) {
        v->verdict = VerdictLabel::kBenign;
        v->severity = Severity::kInfo;
    } else if (has(RuleEffect::kAtMostSuspicious)) {
        if (v->verdict == VerdictLabel::kPhishing) v->verdict = VerdictLabel::kSuspicious;
        v->severity = std::min(v->severity, Severity::kMedium);
    } else if (has(RuleEffect::kAtLeastSuspicious)) {
        if (v->verdict == VerdictLabel::kBenign) v->verdict = VerdictLabel::kSuspicious;
        v->severity = std::max(v->severity, Severity::kMedium);
    }
    std::vector<Reason> reasons;
    reasons.reserve(hits.size() + v->reasons.size());
    for (const RuleHit& h : hits) reasons.push_back(Reason{"rule", h.name, 1.0, 0.0, {}});
    for (Reason& r : v->reasons) reasons.push_back(std::move(r));
    v->reasons = std::move(reasons);
    v->expression_keys.clear();  // not part of the answer; the cached model verdict keeps them
    return v;
}

}  // namespace vigil::api
