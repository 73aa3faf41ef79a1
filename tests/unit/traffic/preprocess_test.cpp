// Preprocessing: encodings, the "<other>" bucket, log1p, dropped fields, scaling, and the round
// trip through metadata JSON (train-time and serve-time encodings agree bit for bit).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "vigil/traffic/preprocess.hpp"

namespace vigil::traffic {
namespace {

const std::filesystem::path kData = std::filesystem::path(VIGIL_SOURCE_DIR) / "tests" / "data" / "traffic";

TrafficData small() {
    auto d = load_nsl_kdd(kData / "nsl_kdd_small.txt");
    EXPECT_TRUE(d);
    return std::move(*d);
}

size_t feature(const Preprocessor& p, std::string_view name) {
    const auto& n = p.feature_names();
    const auto it = std::find(n.begin(), n.end(), name);
    EXPECT_NE(it, n.end()) << name;
    return static_cast<size_t>(it - n.begin());
}

TEST(Preprocessor, OneHotWithOtherBucketLogBytesAndPlainRates) {
    const TrafficData d = small();
    auto p = Preprocessor::fit(d, {.min_count = 1, .drop_fields = {}});
    ASSERT_TRUE(p) << p.error().message;
    // protocol_type: icmp, tcp, udp + other; service/flag likewise.
    feature(*p, "protocol_type=tcp");
    feature(*p, "protocol_type=<other>");
    feature(*p, "service=http");
    feature(*p, "flag=S0");
    const size_t src = feature(*p, "log_src_bytes");
    const size_t rate = feature(*p, "serror_rate");  // max 1: not log-transformed
    std::vector<float> row(p->num_features());
    ASSERT_TRUE(p->encode(d.record(0), row));
    EXPECT_FLOAT_EQ(row[src], static_cast<float>(std::log1p(232.0)));
    EXPECT_FLOAT_EQ(row[rate], 0.0f);
    EXPECT_FLOAT_EQ(row[feature(*p, "service=http")], 1.0f);
    EXPECT_FLOAT_EQ(row[feature(*p, "service=<other>")], 0.0f);
    // A service never seen in training goes to <other>.
    Record r = d.record(0);
    r.values[2].text = "gopher_v9";
    ASSERT_TRUE(p->encode(r, row));
    EXPECT_FLOAT_EQ(row[feature(*p, "service=http")], 0.0f);
    EXPECT_FLOAT_EQ(row[feature(*p, "service=<other>")], 1.0f);
}

TEST(Preprocessor, MinCountSendsRareValuesToOther) {
    const TrafficData d = small();
    auto p = Preprocessor::fit(d, {.min_count = 2, .drop_fields = {}});
    ASSERT_TRUE(p);
    feature(*p, "service=http");     // 3 rows
    feature(*p, "service=private");  // 4 rows
    const auto& n = p->feature_names();
    EXPECT_EQ(std::find(n.begin(), n.end(), "service=telnet"), n.end());  // 1 row
    std::vector<float> row(p->num_features());
    ASSERT_TRUE(p->encode(d.record(9), row));  // telnet
    EXPECT_FLOAT_EQ(row[feature(*p, "service=<other>")], 1.0f);
}

TEST(Preprocessor, DroppedFieldsProduceNoColumnAndUnknownDropIsAnError) {
    const TrafficData d = small();
    auto p = Preprocessor::fit(d, {.min_count = 1, .drop_fields = {"hot", "logged_in"}});
    ASSERT_TRUE(p);
    const auto& n = p->feature_names();
    EXPECT_EQ(std::find(n.begin(), n.end(), "hot"), n.end());
    EXPECT_EQ(std::find(n.begin(), n.end(), "logged_in"), n.end());
    auto full = Preprocessor::fit(d, {.min_count = 1, .drop_fields = {}});
    EXPECT_EQ(full->num_features(), p->num_features() + 2);
    auto bad = Preprocessor::fit(d, {.min_count = 1, .drop_fields = {"no_such_field"}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

TEST(Preprocessor, JsonRoundTripEncodesEveryRowIdentically) {
    const TrafficData d = small();
    auto p = Preprocessor::fit(d, {.min_count = 2, .drop_fields = {"urgent"}});
    ASSERT_TRUE(p);
    auto q = Preprocessor::from_json(p->to_json(), d.schema);
    ASSERT_TRUE(q) << q.error().message;
    EXPECT_EQ(q->feature_names(), p->feature_names());
    EXPECT_EQ(q->mean(), p->mean());
    EXPECT_EQ(q->inv_std(), p->inv_std());
    const std::vector<float> train_side = p->encode_all(d);  // the training path
    std::vector<float> serve_side(q->num_features());
    for (size_t r = 0; r < d.num_rows; ++r) {
        ASSERT_TRUE(q->encode(d.record(r), serve_side));  // the serving path, from JSON
        for (size_t j = 0; j < serve_side.size(); ++j) {
            ASSERT_EQ(serve_side[j], train_side[r * q->num_features() + j]) << "row " << r << " " << q->feature_names()[j];
        }
    }
}

TEST(Preprocessor, StandardizeCentresAndScales) {
    const TrafficData d = small();
    auto p = Preprocessor::fit(d, {.min_count = 1, .drop_fields = {}});
    ASSERT_TRUE(p);
    std::vector<float> x = p->encode_all(d);
    p->standardize_all(x);
    const size_t nf = p->num_features();
    const size_t j = feature(*p, "log_src_bytes");
    double sum = 0, sum2 = 0;
    for (size_t r = 0; r < d.num_rows; ++r) {
        sum += x[r * nf + j];
        sum2 += x[r * nf + j] * x[r * nf + j];
    }
    EXPECT_NEAR(sum / static_cast<double>(d.num_rows), 0.0, 1e-5);
    EXPECT_NEAR(sum2 / static_cast<double>(d.num_rows), 1.0, 1e-4);
    std::vector<float> missing(nf, NAN);
    p->standardize(missing);
    EXPECT_EQ(missing[j], 0.0f);  // missing = the training mean
}

TEST(Preprocessor, EncodeRejectsMalformedRecordsNamingTheField) {
    const TrafficData d = small();
    auto p = Preprocessor::fit(d, {.min_count = 1, .drop_fields = {}});
    ASSERT_TRUE(p);
    std::vector<float> row(p->num_features());
    Record short_record;
    short_record.values.resize(3);
    auto st = p->encode(short_record, row);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    Record r = d.record(0);
    r.values[2].text.clear();
    st = p->encode(r, row);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("service"), std::string::npos);
    r = d.record(0);
    r.values[4].number = INFINITY;
    st = p->encode(r, row);
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("src_bytes"), std::string::npos);
}

TEST(Preprocessor, FromJsonRejectsMismatchedSchemaAndGarbage) {
    const TrafficData d = small();
    auto p = Preprocessor::fit(d, {.min_count = 1, .drop_fields = {}});
    ASSERT_TRUE(p);
    Schema other = d.schema;
    other.fields[2].name = "svc";
    EXPECT_FALSE(Preprocessor::from_json(p->to_json(), other));
    Schema shorter = d.schema;
    shorter.fields.pop_back();
    EXPECT_FALSE(Preprocessor::from_json(p->to_json(), shorter));
    EXPECT_FALSE(Preprocessor::from_json("{", d.schema));
    EXPECT_FALSE(Preprocessor::from_json("[]", d.schema));
    EXPECT_FALSE(Preprocessor::from_json(R"({"fields":[]})", d.schema));
}

}  // namespace
}  // namespace vigil::traffic
