// TrafficRecordParser: JSON and CSV input against a model's schema, every rejection naming the field.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_traffic_model.hpp"
#include "vigil/api/traffic_record_parser.hpp"

namespace vigil::api {
namespace {

namespace json = boost::json;

class ParserTest : public ::testing::Test {
protected:
    testing::FakeTrafficModel model_;
    TrafficRecordParser parser_{model_.input_schema()};

    bool parse(std::string_view text, traffic::Record& r, RecordProblem& p) {
        return parser_.from_json(json::parse(text).as_object(), r, p);
    }
};

TEST_F(ParserTest, ValidJsonFillsValuesInSchemaOrder) {
    traffic::Record r;
    RecordProblem p;
    ASSERT_TRUE(parse(R"({"dst_bytes":7,"src_bytes":123.5,"service":"http","protocol_type":"udp","duration":2})", r,
                      p))
        << p.detail;
    ASSERT_EQ(r.values.size(), 5u);
    EXPECT_EQ(r.values[0].number, 2);
    EXPECT_EQ(r.values[1].text, "udp");
    EXPECT_EQ(r.values[2].text, "http");
    EXPECT_EQ(r.values[3].number, 123.5);
    EXPECT_EQ(r.values[4].number, 7);
}

struct BadJsonCase {
    const char* body;
    const char* field;
    const char* detail_part;
};

TEST_F(ParserTest, RejectionsNameTheField) {
    const BadJsonCase cases[] = {
        {R"({"protocol_type":"tcp","service":"http","src_bytes":1,"dst_bytes":1})", "duration", "missing"},
        {R"({"duration":0,"protocol_type":"tcp","service":"http","src_bytes":1,"dst_bytes":1,"x":1})", "x", "unknown"},
        {R"({"duration":"0","protocol_type":"tcp","service":"http","src_bytes":1,"dst_bytes":1})", "duration",
         "must be a number"},
        {R"({"duration":true,"protocol_type":"tcp","service":"http","src_bytes":1,"dst_bytes":1})", "duration",
         "must be a number"},
        {R"({"duration":null,"protocol_type":"tcp","service":"http","src_bytes":1,"dst_bytes":1})", "duration",
         "must be a number"},
        {R"({"duration":0,"protocol_type":6,"service":"http","src_bytes":1,"dst_bytes":1})", "protocol_type",
         "must be a string"},
        {R"({"duration":0,"protocol_type":"tcp","service":"ht tp","src_bytes":1,"dst_bytes":1})", "service",
         "printable"},
        {R"({"duration":0,"protocol_type":"","service":"http","src_bytes":1,"dst_bytes":1})", "protocol_type",
         "printable"},
        {R"({"duration":0,"protocol_type":"t\u0000p","service":"http","src_bytes":1,"dst_bytes":1})",
         "protocol_type", "printable"},
        {R"({"duration":0,"protocol_type":"tcp","service":"http","src_bytes":[1],"dst_bytes":1})", "src_bytes",
         "must be a number"},
    };
    for (const auto& c : cases) {
        traffic::Record r;
        RecordProblem p;
        EXPECT_FALSE(parse(c.body, r, p)) << c.body;
        EXPECT_EQ(p.field, c.field) << c.body;
        EXPECT_NE(p.detail.find(c.detail_part), std::string::npos) << p.detail;
    }
}

TEST_F(ParserTest, LongCategoricalIsRejected) {
    std::string body = R"({"duration":0,"protocol_type":")" + std::string(65, 'a') +
                       R"(","service":"http","src_bytes":1,"dst_bytes":1})";
    traffic::Record r;
    RecordProblem p;
    EXPECT_FALSE(parse(body, r, p));
    EXPECT_EQ(p.field, "protocol_type");
    EXPECT_TRUE(valid_categorical(std::string(64, 'a')));
}

TEST_F(ParserTest, CsvHeaderMustNameEveryFieldOnce) {
    EXPECT_TRUE(parser_.bind_csv_header({"src_bytes", "duration", "protocol_type", "service", "dst_bytes"}).ok());
    auto unknown = parser_.bind_csv_header({"src_bytes", "duration", "protocol_type", "service", "dst_bytes", "label"});
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("'label'"), std::string::npos);
    auto missing = parser_.bind_csv_header({"src_bytes", "duration", "protocol_type", "service"});
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("'dst_bytes'"), std::string::npos);
    auto twice = parser_.bind_csv_header({"src_bytes", "src_bytes", "protocol_type", "service", "dst_bytes"});
    ASSERT_FALSE(twice.ok());
    EXPECT_NE(twice.error().message.find("more than once"), std::string::npos);
}

TEST_F(ParserTest, CsvRowsAreValidatedPerField) {
    auto binding = parser_.bind_csv_header({"src_bytes", "duration", "protocol_type", "service", "dst_bytes"});
    ASSERT_TRUE(binding.ok());
    traffic::Record r;
    RecordProblem p;
    ASSERT_TRUE(parser_.from_csv({" 900 ", "1.5", "tcp", "http", "0"}, *binding, r, p)) << p.detail;
    EXPECT_EQ(r.values[3].number, 900);
    EXPECT_EQ(r.values[0].number, 1.5);
    EXPECT_EQ(r.values[1].text, "tcp");

    for (const char* bad : {"abc", "", "nan", "inf", "1e999", "12x"}) {
        EXPECT_FALSE(parser_.from_csv({bad, "1", "tcp", "http", "0"}, *binding, r, p)) << bad;
        EXPECT_EQ(p.field, "src_bytes") << bad;
    }
    EXPECT_FALSE(parser_.from_csv({"1", "1", "tcp", "http"}, *binding, r, p));
    EXPECT_TRUE(p.field.empty());
    EXPECT_NE(p.detail.find("4 columns"), std::string::npos);
    EXPECT_FALSE(parser_.from_csv({"1", "1", "tcp", "\xff\xfe", "0"}, *binding, r, p));
    EXPECT_EQ(p.field, "service");
}

}  // namespace
}  // namespace vigil::api
