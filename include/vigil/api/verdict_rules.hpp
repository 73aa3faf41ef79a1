#pragma once
// Rules that act on a URL verdict after the model: threat-feed hits, deny/allow lists, popular domains,
// and whatever comes next (e.g. brand lookalikes). The model verdict is cached per canonical URL; rules
// run on every request on top of it, because their inputs (feeds, lists) change without the URL changing.
// To add a rule: implement VerdictRule and pass it in UrlCheckerOptions::rules; the precedence of effects
// is decided in one place, apply_rule_hits().
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/api/url_verdict.hpp"

namespace vigil::api {

enum class RuleEffect : uint8_t {
    kPhishing,           // listed threat: phishing whatever the model says (feeds, deny-list)
    kBenign,             // trusted by this deployment (allow-list)
    kAtMostSuspicious,   // popular domain: the model alone may not call it phishing
    kAtLeastSuspicious,  // e.g. a brand lookalike: never plain benign
};

struct RuleHit {
    std::string name;  // reason name, e.g. "feed:phishtank", "deny-list", "popular-domain"
    RuleEffect effect = RuleEffect::kPhishing;
};

class VerdictRule {
public:
    virtual ~VerdictRule() = default;
    // Appends the rule's hits for this (model) verdict. Must be thread-safe and should not allocate
    // when nothing hits.
    virtual void evaluate(const UrlVerdict& verdict, std::vector<RuleHit>& hits) const = 0;
    // Whether the rule reads UrlVerdict::expression_keys (the checker then computes them once per URL).
    virtual bool needs_expression_keys() const { return false; }
};

// The host of a canonical URL ("http://a.b:8080/x" -> "a.b").
std::string_view canonical_host(std::string_view canonical_url);

// The final verdict. Precedence: kPhishing > kBenign > kAtMostSuspicious > kAtLeastSuspicious. A phishing
// rule sets the score to 1 (severity HIGH); kBenign keeps the score but says benign (severity INFO);
// kAtMostSuspicious turns a model "phishing" into "suspicious" (severity at most MEDIUM); kAtLeastSuspicious
// turns "benign" into "suspicious" (severity at least MEDIUM). Rule reasons come first. Returns `model`
// itself when there are no hits.
std::shared_ptr<const UrlVerdict> apply_rule_hits(std::shared_ptr<const UrlVerdict> model,
                                                  std::span<const RuleHit> hits);

}  // namespace vigil::api
