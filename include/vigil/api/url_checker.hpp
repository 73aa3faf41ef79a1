#pragma once
// Pure verdict core for URLs: parse, canonicalise, cache, features, model, explanation.
// Knows nothing about HTTP or storage; safe to call from many threads at once.
#include <atomic>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "vigil/api/url_verdict.hpp"
#include "vigil/api/verdict_rules.hpp"
#include "vigil/cache/sharded_lru_cache.hpp"
#include "vigil/core/result.hpp"
#include "vigil/domain/brand_list.hpp"
#include "vigil/domain/public_suffix.hpp"
#include "vigil/features/url_features.hpp"
#include "vigil/ml/forest.hpp"

namespace vigil::api {

class BackgroundExplainer;
struct ExactExplanationJob;

// When to pay for exact TreeSHAP instead of the O(depth) path attribution.
enum class ExplainMode : uint8_t {
    // Path attribution in every answer; phishing/suspicious verdicts get exact TreeSHAP computed on an
    // idle-priority thread and put in the cache, so later answers for the URL carry it (default).
    kBackground,
    kFlagged,  // exact for phishing/suspicious verdicts on the request path, path attribution for benign
    kAlways,
    kNever,
};

struct UrlModel {
    const ml::Forest* forest = nullptr;  // not owned
    double threshold = 0.5;              // score at or above: phishing
    std::string name = "url";
    std::string version;
};

struct UrlCheckerOptions {
    double suspicious_margin = 0.15;  // [threshold - margin, threshold): suspicious
    ExplainMode explain = ExplainMode::kBackground;
    size_t background_queue = 4096;  // kBackground: pending exact explanations; more are dropped (counted)
    size_t top_reasons = 5;
    size_t cache_capacity = 100000;
    int64_t cache_ttl_ms = 3600 * 1000;
    // Applied per request on top of the (cached) model verdict; see verdict_rules.hpp.
    std::vector<std::shared_ptr<const VerdictRule>> rules;
};

struct UrlCheckerStats {
    std::atomic<uint64_t> benign{0}, suspicious{0}, phishing{0}, invalid{0};
    std::atomic<uint64_t> exact_explanations{0}, path_explanations{0};  // in answers computed on a miss
    std::atomic<uint64_t> rule_overrides{0};  // answers (cached or not) where a rule hit
};

class UrlChecker {
public:
    UrlChecker(UrlModel model, const domain::PublicSuffixList& psl, const domain::BrandList& brands,
               UrlCheckerOptions options);
    ~UrlChecker();
    UrlChecker(const UrlChecker&) = delete;
    UrlChecker& operator=(const UrlChecker&) = delete;

    // force_exact: the caller asked for an exact explanation whatever the mode.
    Result<UrlCheck> check(std::string_view url, bool force_exact = false);

    const UrlCheckerStats& stats() const { return stats_; }
    const cache::ShardedLruCache<std::shared_ptr<const UrlVerdict>>& cache() const { return cache_; }
    const UrlModel& model() const { return model_; }
    // kBackground: exact explanations computed and cached, dropped (queue full), and waiting.
    uint64_t background_explained() const;
    uint64_t background_dropped() const;
    size_t background_pending() const;
    // The brand lookalike detector the features use (shared with GET /api/v1/domain/{name}).
    const std::shared_ptr<const domain::LookalikeDetector>& lookalike() const { return extractor_.shared_lookalike(); }

private:
    std::shared_ptr<const UrlVerdict> apply_rules(std::shared_ptr<const UrlVerdict> model);
    std::shared_ptr<const UrlVerdict> score(const url::ParsedUrl& parsed, std::string canonical, bool force_exact,
                                            features::FeatureVector& row);
    void add_feature_reasons(UrlVerdict& v, const features::FeatureVector& row,
                             std::span<const float> contributions) const;
    void publish_exact(const ExactExplanationJob& job);  // the cached verdict, now with TreeSHAP reasons

    UrlModel model_;
    const domain::PublicSuffixList& psl_;
    features::UrlFeatureExtractor extractor_;
    UrlCheckerOptions options_;
    bool compute_expression_keys_ = false;
    cache::ShardedLruCache<std::shared_ptr<const UrlVerdict>> cache_;
    UrlCheckerStats stats_;
    std::unique_ptr<BackgroundExplainer> background_;  // last: its thread uses everything above
};

}  // namespace vigil::api
