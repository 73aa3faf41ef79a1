#pragma once
// Verdict rules backed by the intel module: threat-feed hits (phishing, reason "feed:<source>"), the
// deployment deny-list (phishing) and allow-list (benign), and popular domains (at most suspicious).
// A feed hit beats every list: abused hosting on a popular domain is still phishing.
#include <memory>
#include <vector>

#include "vigil/api/verdict_rules.hpp"
#include "vigil/intel/domain_list.hpp"
#include "vigil/intel/intel_state.hpp"

namespace vigil::api {

class FeedRule final : public VerdictRule {
public:
    explicit FeedRule(const intel::IntelState& state) : state_(state) {}
    void evaluate(const UrlVerdict& verdict, std::vector<RuleHit>& hits) const override;
    bool needs_expression_keys() const override { return true; }

private:
    const intel::IntelState& state_;
};

class DomainListRule final : public VerdictRule {
public:
    DomainListRule(intel::DomainList list, std::string reason, RuleEffect effect)
        : list_(std::move(list)), reason_(std::move(reason)), effect_(effect) {}
    void evaluate(const UrlVerdict& verdict, std::vector<RuleHit>& hits) const override;
    const intel::DomainList& list() const { return list_; }

private:
    intel::DomainList list_;
    std::string reason_;
    RuleEffect effect_;
};

// Popular registrable domains: the model alone may call their URLs at most suspicious, except user content
// on hosting platforms under them (intel/hosting_platforms.hpp).
class PopularDomainRule final : public VerdictRule {
public:
    explicit PopularDomainRule(intel::DomainList list) : list_(std::move(list)) {}
    void evaluate(const UrlVerdict& verdict, std::vector<RuleHit>& hits) const override;

private:
    intel::DomainList list_;
};

struct IntelRuleSet {
    const intel::IntelState* feeds = nullptr;  // not owned; nullptr: no feed rule
    intel::DomainList deny;
    intel::DomainList allow;
    intel::DomainList popular;
};
// The rules for UrlCheckerOptions::rules (empty lists add no rule).
std::vector<std::shared_ptr<const VerdictRule>> make_intel_rules(IntelRuleSet set);

}  // namespace vigil::api
