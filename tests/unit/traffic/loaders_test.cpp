// Loaders (NSL-KDD, UNSW-NB15, generic CSV), the attack-family map, concatenation and the split.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "vigil/traffic/dataset.hpp"

namespace vigil::traffic {
namespace {

const std::filesystem::path kData = std::filesystem::path(VIGIL_SOURCE_DIR) / "tests" / "data" / "traffic";

std::string family_of(const TrafficData& d, size_t row) { return d.families[d.family[row]]; }

TEST(NslKddSchema, Has41ColumnsInFileOrderWithThreeCategorical) {
    const Schema& s = nsl_kdd_schema();
    ASSERT_EQ(s.fields.size(), 41u);
    EXPECT_EQ(s.fields.front().name, "duration");
    EXPECT_EQ(s.fields.back().name, "dst_host_srv_rerror_rate");
    EXPECT_EQ(s.index_of("service"), 2u);
    EXPECT_EQ(s.index_of("src_bytes"), 4u);
    EXPECT_FALSE(s.index_of("nope").has_value());
    size_t categorical = 0;
    for (const auto& f : s.fields) categorical += f.kind == FieldKind::kCategorical ? 1 : 0;
    EXPECT_EQ(categorical, 3u);
    EXPECT_EQ(s.fields[1].kind, FieldKind::kCategorical);
}

TEST(NslKddFamily, MapsTrainingAndTestOnlyAttackNames) {
    EXPECT_EQ(nsl_kdd_family("normal"), "normal");
    EXPECT_EQ(nsl_kdd_family("neptune"), "DoS");
    EXPECT_EQ(nsl_kdd_family("apache2"), "DoS");      // KDDTest+ only
    EXPECT_EQ(nsl_kdd_family("mscan"), "Probe");      // KDDTest+ only
    EXPECT_EQ(nsl_kdd_family("snmpguess"), "R2L");    // KDDTest+ only
    EXPECT_EQ(nsl_kdd_family("sqlattack"), "U2R");    // KDDTest+ only
    EXPECT_EQ(nsl_kdd_family("warezclient"), "R2L");
    EXPECT_FALSE(nsl_kdd_family("zeroday").has_value());
    EXPECT_FALSE(nsl_kdd_family("").has_value());
}

TEST(NslKddLoader, ReadsRowsLabelsFamiliesAndValues) {
    LoadReport report;
    auto d = load_nsl_kdd(kData / "nsl_kdd_small.txt", {}, &report);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->num_rows, 14u);
    EXPECT_EQ(report.rows, 14u);
    EXPECT_EQ(d->num_fields(), 41u);
    ASSERT_EQ(d->families, (std::vector<std::string>{"normal", "DoS", "Probe", "R2L", "U2R"}));
    EXPECT_EQ(d->labels[0], 0);
    EXPECT_EQ(family_of(*d, 0), "normal");
    EXPECT_EQ(d->labels[4], 1);
    EXPECT_EQ(family_of(*d, 4), "DoS");
    EXPECT_EQ(family_of(*d, 10), "U2R");
    EXPECT_EQ(family_of(*d, 11), "DoS");    // apache2
    EXPECT_EQ(family_of(*d, 12), "Probe");  // mscan
    EXPECT_EQ(d->text(0, 1), "tcp");
    EXPECT_EQ(d->text(0, 2), "http");
    EXPECT_EQ(d->text(0, 3), "SF");
    EXPECT_DOUBLE_EQ(d->number(0, 4), 232);
    EXPECT_DOUBLE_EQ(d->number(0, 5), 8153);
    EXPECT_TRUE(std::isnan(d->number(0, 1)));  // categorical slot
    const Record r = d->record(6);
    EXPECT_EQ(r.values[1].text, "icmp");
    EXPECT_DOUBLE_EQ(r.values[4].number, 1032);
}

TEST(NslKddLoader, UnknownAttackNameFailsWithLineOrIsSkipped) {
    auto d = load_nsl_kdd(kData / "nsl_kdd_unknown_attack.txt");
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, ErrorCode::kFormat);
    EXPECT_NE(d.error().message.find("line 2"), std::string::npos) << d.error().message;
    EXPECT_NE(d.error().message.find("zeroday"), std::string::npos);
    LoadReport report;
    auto skipped = load_nsl_kdd(kData / "nsl_kdd_unknown_attack.txt", {.label_column = "", .skip_unknown_labels = true}, &report);
    ASSERT_TRUE(skipped);
    EXPECT_EQ(skipped->num_rows, 1u);
    EXPECT_EQ(report.skipped, 1u);
}

TEST(NslKddLoader, ShortRowAndMissingFileAreErrors) {
    auto d = load_nsl_kdd(kData / "nsl_kdd_short_row.txt");
    ASSERT_FALSE(d);
    EXPECT_NE(d.error().message.find("line 2"), std::string::npos) << d.error().message;
    auto missing = load_nsl_kdd(kData / "does_not_exist.txt");
    ASSERT_FALSE(missing);
}

TEST(UnswLoader, DropsIdAndLabelsAndUsesAttackCategoryAsFamily) {
    auto d = load_unsw_nb15(kData / "unsw_small.csv");
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->num_rows, 6u);
    EXPECT_EQ(d->num_fields(), 42u);  // 45 columns - id, attack_cat, label
    EXPECT_FALSE(d->schema.index_of("id"));
    EXPECT_FALSE(d->schema.index_of("label"));
    EXPECT_EQ(d->schema.fields[0].name, "dur");  // the BOM is not part of the first name
    EXPECT_EQ(d->schema.fields[*d->schema.index_of("proto")].kind, FieldKind::kCategorical);
    EXPECT_EQ(d->schema.fields[*d->schema.index_of("sbytes")].kind, FieldKind::kNumeric);
    EXPECT_EQ(d->labels[0], 0);
    EXPECT_EQ(family_of(*d, 0), "normal");
    EXPECT_EQ(d->labels[2], 1);
    EXPECT_EQ(family_of(*d, 2), "Generic");
    EXPECT_EQ(family_of(*d, 5), "DoS");
}

TEST(CsvLoader, NamedLabelColumnInferredKindsAndMissingNumbers) {
    auto d = load_traffic_csv(kData / "generic_small.csv", {.label_column = "verdict"});
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->num_rows, 4u);
    ASSERT_EQ(d->num_fields(), 4u);
    EXPECT_EQ(d->schema.fields[0].kind, FieldKind::kCategorical);  // proto
    EXPECT_EQ(d->schema.fields[1].kind, FieldKind::kNumeric);      // bytes
    EXPECT_EQ(d->schema.fields[3].kind, FieldKind::kCategorical);  // note
    EXPECT_EQ(d->text(0, 3), "a, b");
    EXPECT_TRUE(std::isnan(d->number(2, 1)));  // empty number = missing
    EXPECT_EQ(d->labels, (std::vector<uint8_t>{0, 1, 0, 1}));
    EXPECT_EQ(family_of(*d, 1), "ddos");
    EXPECT_EQ(family_of(*d, 2), "normal");  // "BENIGN" in any case
}

TEST(CsvLoader, LabelColumnRequiredAndMustExist) {
    auto none = load_traffic_csv(kData / "generic_small.csv", {});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, ErrorCode::kInvalidArgument);
    auto wrong = load_traffic_csv(kData / "generic_small.csv", {.label_column = "label"});
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find("label"), std::string::npos);
}

TEST(DataFormat, ParsesTheThreeNames) {
    EXPECT_EQ(parse_data_format("nsl-kdd"), DataFormat::kNslKdd);
    EXPECT_EQ(parse_data_format("unsw-nb15"), DataFormat::kUnswNb15);
    EXPECT_EQ(parse_data_format("csv"), DataFormat::kCsv);
    EXPECT_FALSE(parse_data_format("kdd"));
}

TEST(TrafficData, AppendRemapsDictionariesAndRejectsOtherSchemas) {
    auto a = load_nsl_kdd(kData / "nsl_kdd_small.txt");
    auto b = load_nsl_kdd(kData / "nsl_kdd_small.txt");
    ASSERT_TRUE(a && b);
    ASSERT_TRUE(a->append(*b));
    EXPECT_EQ(a->num_rows, 28u);
    for (size_t r = 0; r < 14; ++r) {
        EXPECT_EQ(a->text(r, 2), a->text(r + 14, 2));
        EXPECT_EQ(a->family[r], a->family[r + 14]);
    }
    auto u = load_unsw_nb15(kData / "unsw_small.csv");
    ASSERT_TRUE(u);
    auto st = a->append(*u);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::kMismatch);
}

TEST(StratifiedSplit, DeterministicAndProportionalPerClass) {
    auto d = load_nsl_kdd(kData / "nsl_kdd_small.txt");
    ASSERT_TRUE(d);
    TrafficData big = *d;
    for (int i = 0; i < 9; ++i) ASSERT_TRUE(big.append(*d));  // 140 rows, 10 per original row
    const auto a = stratified_split(big, 0.2, 42);
    const auto b = stratified_split(big, 0.2, 42);
    EXPECT_EQ(a, b);
    const auto c = stratified_split(big, 0.2, 43);
    EXPECT_NE(a, c);
    EXPECT_EQ(std::count(a.begin(), a.end(), 1), 28);
    // Each family keeps its share: normal has 40 rows -> 8 in validation.
    size_t normal_valid = 0;
    for (size_t r = 0; r < big.num_rows; ++r) normal_valid += (a[r] && big.family[r] == 0) ? 1 : 0;
    EXPECT_EQ(normal_valid, 8u);
    const TrafficData valid = subset(big, a, 1);
    EXPECT_EQ(valid.num_rows, 28u);
    EXPECT_EQ(valid.numbers.size(), 28u * 41u);
}

}  // namespace
}  // namespace vigil::traffic
