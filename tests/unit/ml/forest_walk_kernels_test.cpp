// The AVX2 and scalar forest walks on the bundled URL model (models/url/model.json; its tree count
// is not a multiple of 8, so the AVX2 walk pads a tail block) over real feature rows: every 25th URL of the
// PhishStorm-style set through the production feature extractor, each row also with a rotating
// quarter of its features missing and with every feature missing. Margins must be bit-identical
// between the walks and equal to the attribution walk's margin.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "vigil/core/data_dir.hpp"
#include "vigil/core/text_file.hpp"
#include "vigil/domain/brand_list.hpp"
#include "vigil/domain/public_suffix.hpp"
#include "vigil/features/url_features.hpp"
#include "vigil/ml/forest.hpp"
#include "vigil/url/url.hpp"

namespace vigil::ml {
namespace {

uint32_t bits(float v) {
    uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

std::vector<features::FeatureVector> real_rows() {
    auto psl = domain::PublicSuffixList::load_default();
    EXPECT_TRUE(psl.ok());
    if (!psl.ok()) return {};
    const auto data = data_dir(VIGIL_SOURCE_DIR);
    auto brands = domain::BrandList::load(data / "domains" / "top-10000.csv.gz", *psl);
    EXPECT_TRUE(brands.ok()) << brands.error().message;
    if (!brands.ok()) return {};
    const features::UrlFeatureExtractor extractor(*psl, *brands);
    std::vector<features::FeatureVector> rows;
    url::ParsedUrl parsed;
    size_t line_no = 0;
    auto read = for_each_line(data / "url" / "phishstorm" / "urls.csv.gz", [&](std::string_view line) {
        if (line_no++ == 0 || line_no % 25 != 0 || rows.size() >= 4000) return;
        const auto fields = split_csv_record(line);
        if (fields.empty() || !url::parse(fields[0], parsed).ok()) return;
        rows.emplace_back();
        extractor.extract(parsed, rows.back());
    });
    EXPECT_TRUE(read.ok());
    return rows;
}

TEST(ForestWalkKernels, Avx2AndScalarMarginsAreBitIdenticalOnTheBundledModelAndRealRows) {
    auto model = Forest::load_xgboost_json(std::filesystem::path(VIGIL_SOURCE_DIR) / "models" / "url" / "model.json");
    ASSERT_TRUE(model) << model.error().message;
    Forest simd = std::move(*model);
    Forest scalar = simd;
    scalar.set_avx2_walk(false);
    if (!simd.avx2_walk()) GTEST_SKIP() << "this CPU has no AVX2: only the scalar walk can run";
    ASSERT_EQ(simd.num_features(), features::kNumFeatures);
    EXPECT_NE(simd.num_trees() % 8, 0u) << "the bundled model no longer leaves a tail of trees";

    const auto rows = real_rows();
    ASSERT_GE(rows.size(), 3000u);
    constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> row(simd.num_features());
    std::vector<float> contributions(simd.num_features() + 1);
    size_t checked = 0, phishing_side = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        for (int variant = 0; variant < 3; ++variant) {
            for (size_t j = 0; j < row.size(); ++j) {
                const bool missing = variant == 2 || (variant == 1 && (j + i) % 4 == 0);
                row[j] = missing ? kNaN : rows[i][j];
            }
            const float a = simd.predict_margin(row);
            const float b = scalar.predict_margin(row);
            ASSERT_TRUE(std::isfinite(a)) << "row " << i;
            ASSERT_EQ(bits(a), bits(b)) << "row " << i << ", variant " << variant;
            ASSERT_EQ(bits(a), bits(simd.path_contributions_and_margin(row, contributions)))
                << "row " << i << ", variant " << variant;
            phishing_side += a > 0.0f;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 3 * rows.size());
    // Both classes are in the set: the rows take many different paths, not one.
    EXPECT_GT(phishing_side, checked / 10);
    EXPECT_LT(phishing_side, checked * 9 / 10);
}

}  // namespace
}  // namespace vigil::ml
