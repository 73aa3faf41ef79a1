#pragma once
// Lexical URL features: computed from the URL string alone (no network), used by training and
// serving alike. Changing the set or any definition requires bumping kFeaturesVersion.
// Definitions and rationale: docs/features.md. No feature looks at the scheme, at whether a
// scheme was typed, at a leading "www." label or at a lone trailing "/".
#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include "vigil/domain/brand_list.hpp"
#include "vigil/domain/flat_string_map.hpp"
#include "vigil/domain/keyword_matcher.hpp"
#include "vigil/domain/lookalike.hpp"
#include "vigil/domain/public_suffix.hpp"
#include "vigil/features/byte_scan.hpp"
#include "vigil/url/url.hpp"

namespace vigil::features {

inline constexpr int kFeaturesVersion = 2;

// Feature positions in a FeatureVector (names in feature_names(), same order).
enum FeatureIndex : size_t {
    kUrlLength, kHostLength, kPathLength, kQueryLength, kRegistrableDomainLength, kRegistrableLabelLength,
    kPublicSuffixLength, kSubdomainLength,
    kUrlDotCount, kUrlHyphenCount, kUrlUnderscoreCount, kUrlSlashCount, kUrlQuestionCount, kUrlEqualsCount,
    kUrlAmpersandCount, kUrlAtCount, kUrlTildeCount, kUrlPercentCount, kUrlPlusCount, kUrlDigitCount,
    kUrlDigitRatio, kUrlLetterRatio, kUrlUppercaseRatio, kUrlSpecialRatio,
    kHostDotCount, kHostHyphenCount, kHostDigitCount, kSubdomainDepth,
    kHostEntropy, kPathQueryEntropy, kUrlEntropy,
    kHostIsIpv4, kHostIsIpv6, kPunycodeLabelCount, kNonAsciiCount,
    kTldAbused, kTldCountryCode, kTldGenericLegacy, kPublicSuffixLabelCount,
    kHasPort, kPortNonStandard,
    kSensitiveWordsHost, kSensitiveWordsPathQuery,
    kBrandInSubdomain, kBrandInPathQuery, kBrandInRegistrableLabel, kRegistrablePopularity,
    kIsShortener, kIsFreeHosting, kHasUserinfo, kDoubleSlashInPath, kEmbeddedUrlCount,
    kExtScriptPage, kExtHtml, kExtExecutableOrArchive, kExtOther,
    kQueryParamCount, kLongestHostLabel, kLongestPathToken, kHexTokenCount, kLongestDigitRun,
    kMaxRepeatedCharRun, kPathDepth, kHostMaxConsonantRun, kRegistrableLabelVowelRatio,
    kRegistrableLabelDigitCount, kRegistrableLabelHyphenCount, kEmailInPathQuery, kLongestQueryValue,
    kTldTokenOutsideSuffix,
    kLookalikeMatch, kLookalikeDistance, kLookalikeHomoglyph, kLookalikeTyposquat, kLookalikeTargetPopularity,
    kFeatureCount
};

// Number of features; feature_names().size() == kNumFeatures.
inline constexpr size_t kNumFeatures = kFeatureCount;

std::span<const std::string_view> feature_names();

using FeatureVector = std::array<float, kNumFeatures>;

class UrlFeatureExtractor {
public:
    // References must outlive the extractor. Builds a lookalike detector over `brands`.
    UrlFeatureExtractor(const domain::PublicSuffixList& psl, const domain::BrandList& brands);
    // Shares an existing detector (built over the same `brands` and `psl`).
    UrlFeatureExtractor(const domain::PublicSuffixList& psl, const domain::BrandList& brands,
                        std::shared_ptr<const domain::LookalikeDetector> lookalike);

    // Fills `out`. No heap allocation: scans string views and a fixed stack buffer.
    void extract(const url::ParsedUrl& url, FeatureVector& out) const { extract(url, out, nullptr); }
    // Same, and reports the brand lookalike behind the lookalike_* features (for verdict reasons).
    void extract(const url::ParsedUrl& url, FeatureVector& out, domain::LookalikeMatch* lookalike) const;
    FeatureVector extract(const url::ParsedUrl& url) const {
        FeatureVector v{};
        extract(url, v);
        return v;
    }

    // The detector behind the lookalike_* features (also used for verdict reasons).
    const domain::LookalikeDetector& lookalike() const { return *lookalike_; }
    const std::shared_ptr<const domain::LookalikeDetector>& shared_lookalike() const { return lookalike_; }

    // The byte scan in use (scan_bytes_avx2 when the CPU has AVX2); tests force the scalar one.
    ScanBytesFn byte_scan() const { return scan_bytes_; }
    void set_byte_scan(ScanBytesFn scan) { scan_bytes_ = scan; }

private:
    const domain::PublicSuffixList& psl_;
    const domain::BrandList& brands_;
    std::shared_ptr<const domain::LookalikeDetector> lookalike_;
    domain::KeywordMatcher sensitive_words_;
    size_t min_sensitive_word_ = 1;
    // Host-suffix tables of docs/features.md (TLD classes, shorteners, free hosting) as flag bits,
    // reverse-hashed so one walk over the last three labels answers all of them.
    domain::FlatStringMap host_tables_{domain::FlatStringMap::KeyHash::kReverse};
    ScanBytesFn scan_bytes_;
};

}  // namespace vigil::features
