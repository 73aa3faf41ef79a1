#include "vigil/api/intel_rules.hpp"

#include "vigil/intel/hosting_platforms.hpp"

namespace vigil::api {

void FeedRule::evaluate(const UrlVerdict& verdict, std::vector<RuleHit>& hits) const {
    const auto index = state_.snapshot();
    if (index->empty()) return;
    // The 64-bit keys rule out nearly every URL; the rare candidate is confirmed with SHA-256 full hashes.
    if (index->keys_complete() && !verdict.expression_keys.empty() && !index->may_match(verdict.expression_keys)) {
        return;
    }
    const auto expressions = url::lookup_expressions(verdict.canonical_url);
    std::vector<url::Sha256Digest> hashes;
    hashes.reserve(expressions.size());
    for (const auto& e : expressions) hashes.push_back(url::sha256(e));
    const uint64_t sources = index->match(hashes);
    if (sources == 0) return;
    const auto& names = index->source_names();
    for (size_t i = 0; i < names.size(); ++i) {
        if ((sources >> i & 1) != 0) hits.push_back(RuleHit{"feed:" + names[i], RuleEffect::kPhishing});
    }
}

void DomainListRule::evaluate(const UrlVerdict& verdict, std::vector<RuleHit>& hits) const {
    if (list_.matches(canonical_host(verdict.canonical_url), verdict.registrable_domain)) {
        hits.push_back(RuleHit{reason_, effect_});
    }
}

void PopularDomainRule::evaluate(const UrlVerdict& verdict, std::vector<RuleHit>& hits) const {
    const std::string_view host = canonical_host(verdict.canonical_url);
    if (!list_.matches(host, verdict.registrable_domain)) return;
    const std::string_view url = verdict.canonical_url;
    const size_t scheme = url.find("://");
    const size_t slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
    const std::string_view path = slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
    if (intel::is_user_content(host, path)) return;
    hits.push_back(RuleHit{"popular-domain", RuleEffect::kAtMostSuspicious});
}

std::vector<std::shared_ptr<const VerdictRule>> make_intel_rules(IntelRuleSet set) {
    std::vector<std::shared_ptr<const VerdictRule>> rules;
    if (set.feeds != nullptr) rules.push_back(std::make_shared<FeedRule>(*set.feeds));
    if (!set.deny.empty()) {
        rules.push_back(std::make_shared<DomainListRule>(std::move(set.deny), "deny-list", RuleEffect::kPhishing));
    }
    if (!set.allow.empty()) {
        rules.push_back(std::make_shared<DomainListRule>(std::move(set.allow), "allow-list", RuleEffect::kBenign));
    }
    if (!set.popular.empty()) {
        rules.push_back(std::make_shared<PopularDomainRule>(std::move(set.popular)));
    }
    return rules;
}

}  // namespace vigil::api
