#pragma once
// Lexical URL features: computed from the URL string alone (no network), used by training and
// serving alike. Changing the set or any definition requires bumping kFeaturesVersion.
#include <array>
#include <span>
#include <string_view>

#include "vigil/domain/brand_list.hpp"
#include "vigil/domain/public_suffix.hpp"
#include "vigil/url/url.hpp"

namespace vigil::features {

inline constexpr int kFeaturesVersion = 1;

// Number of features; feature_names().size() == kNumFeatures.
inline constexpr size_t kNumFeatures = 64;

std::span<const std::string_view> feature_names();

using FeatureVector = std::array<float, kNumFeatures>;

class UrlFeatureExtractor {
public:
    // References must outlive the extractor.
    UrlFeatureExtractor(const domain::PublicSuffixList& psl, const domain::BrandList& brands);

    // Fills `out` (no allocation beyond small scratch on the stack where possible).
    void extract(const url::ParsedUrl& url, FeatureVector& out) const;

private:
    const domain::PublicSuffixList& psl_;
    const domain::BrandList& brands_;
};

}  // namespace vigil::features
