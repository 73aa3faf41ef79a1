#include "vigil/api/url_checker.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include "background_explainer.hpp"
#include "vigil/intel/threat_index.hpp"

namespace vigil::api {
namespace {

int64_t elapsed_us(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

UrlChecker::UrlChecker(UrlModel model, const domain::PublicSuffixList& psl, const domain::BrandList& brands,
                       UrlCheckerOptions options)
    : model_(std::move(model)),
      psl_(psl),
      extractor_(psl, brands),
      options_(options),
      cache_(options.cache_capacity, std::chrono::milliseconds(options.cache_ttl_ms)) {
    for (const auto& rule : options_.rules) compute_expression_keys_ = compute_expression_keys_ || rule->needs_expression_keys();
    // Without a cache there is nowhere to keep a refined explanation.
    if (options_.explain == ExplainMode::kBackground && options_.cache_capacity > 0) {
        background_ = std::make_unique<BackgroundExplainer>(
            options_.background_queue,
            [this](ExactExplanationJob& job) { model_.forest->shap_values(job.row, job.contributions); },
            [this](const ExactExplanationJob& job) { publish_exact(job); },
            [this] {  // TreeSHAP's thread-local scratch is allocated here, at normal priority
                features::FeatureVector row{};
                std::array<float, features::kNumFeatures + 1> out{};
                model_.forest->shap_values(row, out);
            });
    }
}

UrlChecker::~UrlChecker() = default;

uint64_t UrlChecker::background_explained() const { return background_ ? background_->done() : 0; }
uint64_t UrlChecker::background_dropped() const { return background_ ? background_->dropped() : 0; }
size_t UrlChecker::background_pending() const { return background_ ? background_->pending() : 0; }

std::shared_ptr<const UrlVerdict> UrlChecker::apply_rules(std::shared_ptr<const UrlVerdict> model) {
    if (options_.rules.empty()) return model;
    std::vector<RuleHit> hits;  // allocates only when a rule hits
    for (const auto& rule : options_.rules) rule->evaluate(*model, hits);
    if (hits.empty()) return model;
    stats_.rule_overrides.fetch_add(1, std::memory_order_relaxed);
    return apply_rule_hits(std::move(model), hits);
}

Result<UrlCheck> UrlChecker::check(std::string_view input, bool force_exact) {
    const auto start = std::chrono::steady_clock::now();
    auto canonical = url::canonicalize(input);
    if (!canonical) {
        stats_.invalid.fetch_add(1, std::memory_order_relaxed);
        return canonical.error();
    }
    if (!force_exact) {
        if (auto hit = cache_.get(*canonical)) return UrlCheck{apply_rules(std::move(*hit)), true, elapsed_us(start)};
    }
    // Reused per thread: parsing into it allocates nothing once its strings have grown. `input` is the
    // request's own buffer, never this object's.
    thread_local url::ParsedUrl parsed;
    if (Status s = url::parse(input, parsed); !s.ok()) {
        stats_.invalid.fetch_add(1, std::memory_order_relaxed);
        return s.error();
    }
    features::FeatureVector row{};
    auto verdict = score(parsed, std::move(*canonical), force_exact, row);
    cache_.put(verdict->canonical_url, verdict);
    // Posted after the put, so the refined verdict cannot be overwritten by this one.
    if (background_ && verdict->verdict != VerdictLabel::kBenign && verdict->explanation == "path") {
        background_->try_post(ExactExplanationJob{row, verdict});
    }
    return UrlCheck{apply_rules(std::move(verdict)), false, elapsed_us(start)};
}

std::shared_ptr<const UrlVerdict> UrlChecker::score(const url::ParsedUrl& parsed, std::string canonical,
                                                    bool force_exact, features::FeatureVector& row) {
    domain::LookalikeMatch lookalike;
    extractor_.extract(parsed, row, &lookalike);
    const ml::Forest& forest = *model_.forest;
    // The cheap explanation's walk also yields the margin (bit-identical to predict_margin), so a
    // verdict that ends with it walks the forest once; exact TreeSHAP is added when needed.
    std::array<float, features::kNumFeatures + 1> contributions{};
    const bool always_exact = force_exact || options_.explain == ExplainMode::kAlways;
    float margin = 0.0f;
    if (always_exact) {
        margin = forest.predict_margin(row);
    } else {
        margin = forest.path_contributions_and_margin(row, contributions);
    }
    const double score = 1.0 / (1.0 + std::exp(-static_cast<double>(margin)));

    auto verdict = std::make_shared<UrlVerdict>();
    UrlVerdict& v = *verdict;
    v.canonical_url = std::move(canonical);
    v.registrable_domain = std::string(psl_.registrable_domain(parsed.host));
    v.score = score;
    v.severity = severity_from_score(score);
    if (score >= model_.threshold) {
        v.verdict = VerdictLabel::kPhishing;
        stats_.phishing.fetch_add(1, std::memory_order_relaxed);
    } else if (score >= model_.threshold - options_.suspicious_margin) {
        v.verdict = VerdictLabel::kSuspicious;
        stats_.suspicious.fetch_add(1, std::memory_order_relaxed);
    } else {
        stats_.benign.fetch_add(1, std::memory_order_relaxed);
    }
    v.model_name = model_.name;
    v.model_version = model_.version;
    if (compute_expression_keys_) {
        v.expression_keys.reserve(36);  // (5 + 1) hosts x (4 + 2) paths at most with the default options
        url::for_each_lookup_expression(
            v.canonical_url, [&keys = v.expression_keys](std::string_view e) { keys.push_back(intel::expression_key(e)); });
    }

    const bool flagged = v.verdict != VerdictLabel::kBenign;
    const bool exact = always_exact || (options_.explain == ExplainMode::kFlagged && flagged);
    if (exact) {
        forest.shap_values(row, contributions);
        stats_.exact_explanations.fetch_add(1, std::memory_order_relaxed);
        v.explanation = "treeshap";
    } else {
        stats_.path_explanations.fetch_add(1, std::memory_order_relaxed);
        v.explanation = "path";
    }

    // Rule hit: the host imitates a protected domain (the model weighs it through the
    // lookalike_* features; the rule names the technique and the domain).
    v.reasons.reserve(options_.top_reasons + 1);
    if (lookalike) {
        v.reasons.push_back(Reason{"rule", "lookalike:" + std::string(domain::to_string(lookalike.technique)),
                                   1.0, 0.0, std::string(lookalike.lookalike_of)});
    }
    add_feature_reasons(v, row, contributions);
    return verdict;
}

void UrlChecker::add_feature_reasons(UrlVerdict& v, const features::FeatureVector& row,
                                     std::span<const float> contributions) const {
    // Top reasons by absolute contribution (the bias term, last, is not a reason; zeros are not reasons).
    std::array<ml::FeatureContribution, features::kNumFeatures> top{};
    const size_t k = ml::Forest::top_k(
        contributions, std::span<ml::FeatureContribution>(top.data(), std::min(options_.top_reasons, top.size())));
    const auto names = features::feature_names();
    for (size_t i = 0; i < k; ++i) {
        const uint32_t f = top[i].feature;
        v.reasons.push_back(Reason{"feature", std::string(names[f]), row[f], top[i].value, {}});
    }
}

void UrlChecker::publish_exact(const ExactExplanationJob& job) {
    auto refined = std::make_shared<UrlVerdict>(*job.verdict);
    std::erase_if(refined->reasons, [](const Reason& r) { return r.kind == "feature"; });
    add_feature_reasons(*refined, job.row, job.contributions);
    refined->explanation = "treeshap";
    std::string key = refined->canonical_url;  // argument order is unspecified: copy before the move
    cache_.put(std::move(key), std::move(refined));
}

}  // namespace vigil::api
