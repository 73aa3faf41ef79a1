// The traffic handlers over a fake model and in-memory storage: happy paths and every error path.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fake_traffic_model.hpp"
#include "vigil/api/traffic_routes.hpp"

namespace vigil::api {
namespace {

namespace json = boost::json;
using testing::fake_record_json;

class PredictRoutesTest : public ::testing::Test {
protected:
    PredictRoutesTest()
        : ingest_([this](TrafficWrite&& w) {
                      if (queue_full_) return false;
                      writes_.push_back(std::move(w));
                      return true;
                  },
                  {Severity::kInfo, 60'000}, {}, nullptr, [] { return int64_t{1'000'000}; }) {
        PredictRoutesOptions options;
        options.max_batch = 3;
        add_predict_routes(router_, {&model_, &ingest_, ""}, options);
    }

    HttpResponse call(std::string_view path, std::string_view body, std::string_view type = "application/json") {
        HttpRequest req;
        req.method = Method::kPost;
        req.path = path;
        req.content_type = type;
        req.body = body;
        HttpResponse fallback;
        auto m = router_.match(req, fallback);
        if (m.handler == nullptr) return fallback;
        return (*m.handler)(req);
    }

    static json::object body_of(const HttpResponse& r) { return json::parse(r.body).as_object(); }

    static void expect_problem(const HttpResponse& r, unsigned status, std::string_view detail_part,
                               std::string_view field = {}) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.content_type, "application/problem+json");
        auto o = body_of(r);
        EXPECT_EQ(o.at("status").as_int64(), status);
        EXPECT_NE(std::string(o.at("detail").as_string()).find(detail_part), std::string::npos) << r.body;
        if (!field.empty()) {
            ASSERT_TRUE(o.contains("field")) << r.body;
            EXPECT_EQ(o.at("field").as_string(), field);
        }
    }

    testing::FakeTrafficModel model_;
    std::vector<TrafficWrite> writes_;
    bool queue_full_ = false;
    TrafficIngest ingest_;
    Router router_;
};

TEST_F(PredictRoutesTest, PredictScoresStoresAndRaisesAnAlert) {
    EventFeed feed;
    std::vector<std::string> pushed;
    feed.subscribe([&](const EventFeed::Message& m) { pushed.push_back(*m); });
    ingest_.set_alert_feed(&feed);
    auto r = call("/api/v1/predict", fake_record_json(950));
    ASSERT_EQ(r.status, 200u) << r.body;
    auto o = body_of(r);
    EXPECT_EQ(o.at("prediction").as_string(), "attack");
    EXPECT_EQ(o.at("family").as_string(), "DoS");
    EXPECT_DOUBLE_EQ(o.at("probability").as_double(), 0.95);
    EXPECT_EQ(o.at("severity").as_string(), "HIGH");
    EXPECT_EQ(o.at("model").at("name").as_string(), "fake-traffic");
    EXPECT_EQ(o.at("model").at("version").as_string(), "test-1");
    const auto& reasons = o.at("reasons").as_array();
    ASSERT_EQ(reasons.size(), 1u);
    EXPECT_EQ(reasons[0].at("kind").as_string(), "feature");
    EXPECT_EQ(reasons[0].at("name").as_string(), "log_src_bytes");
    EXPECT_EQ(o.at("record_id").as_int64(), 1);
    EXPECT_EQ(o.at("alert").at("id").as_int64(), 1);
    EXPECT_EQ(o.at("alert").at("count").as_int64(), 1);
    EXPECT_GE(o.at("took_us").as_int64(), 0);
    ASSERT_EQ(writes_.size(), 1u);
    EXPECT_EQ(writes_[0].source, "api");
    EXPECT_EQ(writes_[0].record.values[3].number, 950);

    ASSERT_EQ(pushed.size(), 1u);
    auto event = json::parse(pushed[0]).as_object();
    EXPECT_EQ(event.at("event").as_string(), "alert_raised");
    EXPECT_EQ(event.at("alert").at("id").as_int64(), 1);
    EXPECT_EQ(event.at("alert").at("summary").as_string(), "HIGH DoS traffic from api");

    auto again = body_of(call("/api/v1/predict", fake_record_json(850)));
    EXPECT_EQ(again.at("alert").at("count").as_int64(), 2);
    EXPECT_TRUE(again.at("alert").at("folded").as_bool());
    EXPECT_EQ(pushed.size(), 1u);  // folds are not pushed
    // p = 0.45 is LOW and "normal" for this model: not a threat even with the minimum severity at INFO.
    auto low_normal = body_of(call("/api/v1/predict", fake_record_json(450)));
    EXPECT_EQ(low_normal.at("prediction").as_string(), "normal");
    EXPECT_TRUE(low_normal.at("alert").is_null());
    auto normal = body_of(call("/api/v1/predict", fake_record_json(10)));
    EXPECT_EQ(normal.at("prediction").as_string(), "normal");
    EXPECT_EQ(normal.at("severity").as_string(), "INFO");
    EXPECT_TRUE(normal.at("alert").is_null());
    EXPECT_EQ(writes_.size(), 4u);
}

TEST_F(PredictRoutesTest, PredictErrorPaths) {
    expect_problem(call("/api/v1/predict", fake_record_json(1), "text/plain"), 415, "application/json");
    expect_problem(call("/api/v1/predict", "{\"duration\":"), 400, "not valid JSON");
    expect_problem(call("/api/v1/predict", "[1,2]"), 400, "one JSON object");
    expect_problem(call("/api/v1/predict", "\xff\xfe{}"), 400, "not valid JSON");
    expect_problem(call("/api/v1/predict", R"({"duration":0})"), 400, "missing", "protocol_type");
    expect_problem(call("/api/v1/predict", R"({"duration":0,"protocol_type":"tcp","service":"http","src_bytes":"1",)"
                                           R"("dst_bytes":1})"),
                   400, "must be a number", "src_bytes");
    std::string unknown = fake_record_json(1);
    unknown.insert(1, "\"evil\":1,");
    expect_problem(call("/api/v1/predict", unknown), 400, "unknown field 'evil'", "evil");
    expect_problem(call("/api/v1/predict", R"({"a":{"b":{"c":{"d":{"e":1}}}}})"), 400, "not valid JSON");
    // The model's own refusal is a 400 too.
    expect_problem(call("/api/v1/predict", fake_record_json(1, "bogus")), 400, "unknown value");
    EXPECT_TRUE(writes_.empty());
    queue_full_ = true;
    auto full = call("/api/v1/predict", fake_record_json(1));
    expect_problem(full, 503, "write queue is full");
    ASSERT_EQ(full.headers.size(), 1u);
    EXPECT_EQ(full.headers[0].first, "Retry-After");
}

TEST_F(PredictRoutesTest, JsonBatchKeepsGoodRecordsAndNamesBadOnes) {
    const std::string body = R"({"records":[)" + fake_record_json(900) + R"(,{"duration":0},)" +
                             fake_record_json(5) + "]}";
    auto r = call("/api/v1/predict/batch", body);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto o = body_of(r);
    EXPECT_EQ(o.at("scored").as_int64(), 2);
    EXPECT_EQ(o.at("failed").as_int64(), 1);
    const auto& results = o.at("results").as_array();
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].at("prediction").as_string(), "attack");
    EXPECT_EQ(results[1].at("status").as_int64(), 400);
    EXPECT_EQ(results[1].at("index").as_int64(), 1);
    EXPECT_EQ(results[1].at("field").as_string(), "protocol_type");
    EXPECT_EQ(results[2].at("prediction").as_string(), "normal");
    EXPECT_EQ(writes_.size(), 2u);
}

TEST_F(PredictRoutesTest, JsonBatchStructureErrors) {
    expect_problem(call("/api/v1/predict/batch", R"({"records":[]})"), 400, "must not be empty");
    expect_problem(call("/api/v1/predict/batch", R"({"records":{}})"), 400, "must be an array");
    expect_problem(call("/api/v1/predict/batch", R"({})"), 400, "missing required field 'records'");
    expect_problem(call("/api/v1/predict/batch", R"({"records":[],"x":1})"), 400, "unknown field 'x'");
    expect_problem(call("/api/v1/predict/batch", R"({"records":[1,2,3,4]})"), 413, "at most 3 records");
    auto r = call("/api/v1/predict/batch", R"({"records":[1]})");
    ASSERT_EQ(r.status, 200u);
    EXPECT_EQ(body_of(r).at("results").as_array()[0].at("detail").as_string(), "records[0] must be a JSON object");
    expect_problem(call("/api/v1/predict/batch", "records", "application/xml"), 415, "text/csv");
}

TEST_F(PredictRoutesTest, CsvBatch) {
    auto r = call("/api/v1/predict/batch",
                  "src_bytes,duration,protocol_type,service,dst_bytes\r\n"
                  "900,0,tcp,http,0\r\n"
                  "abc,0,tcp,http,0\r\n"
                  "\r\n"
                  "10,0,udp,\"domain_u\",0\r\n",
                  "text/csv");
    ASSERT_EQ(r.status, 200u) << r.body;
    auto o = body_of(r);
    const auto& results = o.at("results").as_array();
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].at("prediction").as_string(), "attack");
    EXPECT_EQ(results[1].at("field").as_string(), "src_bytes");
    EXPECT_EQ(results[1].at("index").as_int64(), 1);
    EXPECT_EQ(results[2].at("prediction").as_string(), "normal");
    ASSERT_EQ(writes_.size(), 2u);
    EXPECT_EQ(writes_[1].record.values[2].text, "domain_u");

    expect_problem(call("/api/v1/predict/batch", "", "text/csv"), 400, "header row");
    expect_problem(call("/api/v1/predict/batch", "src_bytes,duration\n1,2\n", "text/csv"), 400, "missing required");
    expect_problem(call("/api/v1/predict/batch", "src_bytes,duration,protocol_type,service,dst_bytes\n", "text/csv"),
                   400, "no records");
    std::string many = "src_bytes,duration,protocol_type,service,dst_bytes\n";
    for (int i = 0; i < 5; ++i) many += "1,0,tcp,http,0\n";
    expect_problem(call("/api/v1/predict/batch", many, "text/csv"), 413, "got 5");
}

TEST(PredictRoutesUnavailable, AnswerServiceUnavailable) {
    Router router;
    add_predict_routes(router, {nullptr, nullptr, "no traffic model at models/traffic"}, {});
    for (const char* path : {"/api/v1/predict", "/api/v1/predict/batch"}) {
        HttpRequest req;
        req.method = Method::kPost;
        req.path = path;
        req.content_type = "application/json";
        req.body = "{}";
        HttpResponse fallback;
        auto m = router.match(req, fallback);
        ASSERT_NE(m.handler, nullptr);
        auto r = (*m.handler)(req);
        EXPECT_EQ(r.status, 503u);
        EXPECT_NE(r.body.find("no traffic model at models/traffic"), std::string::npos);
    }
}

class AlertRoutesTest : public ::testing::Test {
protected:
    AlertRoutesTest() {
        AlertServices s;
        s.list = [this](const store::AlertQuery& q) -> Result<std::vector<store::AlertRow>> {
            last_query_ = q;
            std::vector<store::AlertRow> out;
            for (int64_t id = 5; id >= 1 && out.size() < q.limit; --id) {
                if (q.before_id && id >= *q.before_id) continue;
                store::AlertRow a;
                a.id = id;
                a.ts_ms = 1000 * id;
                a.severity = "HIGH";
                a.count = id;
                out.push_back(a);
            }
            return out;
        };
        s.acknowledge = [](int64_t id) -> Result<store::AlertRow> {
            if (id != 3) return make_error(ErrorCode::kNotFound, "no alert with id " + std::to_string(id));
            store::AlertRow a;
            a.id = 3;
            a.acknowledged = true;
            a.acked_ts_ms = 77;
            return a;
        };
        add_alert_routes(router_, s);
    }

    HttpResponse call(Method method, std::string_view path, std::string_view query = {}) {
        HttpRequest req;
        req.method = method;
        req.path = path;
        req.query = query;
        HttpResponse fallback;
        auto m = router_.match(req, fallback);
        if (m.handler == nullptr) return fallback;
        return (*m.handler)(req);
    }

    Router router_;
    store::AlertQuery last_query_;
};

TEST_F(AlertRoutesTest, ListPagesWithACursor) {
    auto r = call(Method::kGet, "/api/v1/alerts", "limit=2&severity=high");
    ASSERT_EQ(r.status, 200u) << r.body;
    auto o = json::parse(r.body).as_object();
    ASSERT_EQ(o.at("alerts").as_array().size(), 2u);
    EXPECT_EQ(o.at("alerts").as_array()[0].at("id").as_int64(), 5);
    EXPECT_EQ(o.at("alerts").as_array()[0].at("time").as_string(), "1970-01-01T00:00:05.000Z");
    EXPECT_EQ(o.at("next_cursor").as_string(), "4");
    EXPECT_EQ(last_query_.severities, std::vector<std::string>{"HIGH"});
    auto next = json::parse(call(Method::kGet, "/api/v1/alerts", "limit=10&cursor=4").body).as_object();
    EXPECT_EQ(next.at("alerts").as_array().size(), 3u);
    EXPECT_TRUE(next.at("next_cursor").is_null());
    auto bad = call(Method::kGet, "/api/v1/alerts", "limit=abc");
    EXPECT_EQ(bad.status, 400u);
    EXPECT_NE(bad.body.find("'limit'"), std::string::npos);
}

TEST_F(AlertRoutesTest, AckKnownUnknownAndMalformedIds) {
    auto r = call(Method::kPost, "/api/v1/alerts/3/ack");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_TRUE(json::parse(r.body).at("acknowledged").as_bool());
    EXPECT_EQ(call(Method::kPost, "/api/v1/alerts/4/ack").status, 404u);
    EXPECT_EQ(call(Method::kPost, "/api/v1/alerts/abc/ack").status, 404u);
    EXPECT_EQ(call(Method::kPost, "/api/v1/alerts/-1/ack").status, 404u);
    EXPECT_EQ(call(Method::kPost, "/api/v1/alerts/99999999999999999999999/ack").status, 404u);
    EXPECT_EQ(call(Method::kPost, "/api/v1/alerts/3/nack").status, 404u);
    EXPECT_EQ(call(Method::kPost, "/api/v1/alerts/3").status, 404u);
    EXPECT_EQ(call(Method::kGet, "/api/v1/alerts/3/ack").status, 405u);
}

TEST(StatisticsRoute, WindowsAskForTheRightRanges) {
    Router router;
    std::vector<int64_t> traffic_since, url_since;
    StatisticsServices s;
    s.now_ms = [] { return int64_t{100'000'000}; };
    s.traffic_counts = [&](int64_t since) -> Result<store::TrafficCounts> {
        traffic_since.push_back(since);
        store::TrafficCounts c;
        c.total = 60;
        c.by_label = {{"attack", 20}, {"normal", 40}};
        return c;
    };
    s.url_counts = [&](int64_t since) -> Result<store::UrlCheckStats> {
        url_since.push_back(since);
        return store::UrlCheckStats{};
    };
    s.live = [] {
        LiveStatistics l;
        l.uptime_ms = 2000;
        l.http_requests = 10;
        l.url_cache_hits = 3;
        l.url_cache_misses = 1;
        l.url_model_name = "url";
        return l;
    };
    add_statistics_route(router, s);
    HttpRequest req;
    req.path = "/api/v1/statistics";
    HttpResponse fallback;
    auto r = (*router.match(req, fallback).handler)(req);
    ASSERT_EQ(r.status, 200u) << r.body;
    const int64_t now = 100'000'000;
    EXPECT_EQ(traffic_since, (std::vector<int64_t>{now - 60'000, now - 3'600'000, now - 86'400'000}));
    EXPECT_EQ(url_since, traffic_since);
    auto o = json::parse(r.body).as_object();
    const auto& m1 = o.at("windows").at("1m").at("traffic").as_object();
    EXPECT_DOUBLE_EQ(m1.at("per_second").to_number<double>(), 1.0);
    EXPECT_EQ(m1.at("by_prediction").at("attack").as_int64(), 20);
    EXPECT_DOUBLE_EQ(o.at("url_cache").at("hit_rate").to_number<double>(), 0.75);
    EXPECT_DOUBLE_EQ(o.at("http").at("requests_per_second_since_start").to_number<double>(), 5.0);
    EXPECT_TRUE(o.at("models").at("traffic").is_null());
    EXPECT_FALSE(o.at("traffic").at("available").as_bool());
    req.query = "x=1";
    EXPECT_EQ((*router.match(req, fallback).handler)(req).status, 400u);
}

}  // namespace
}  // namespace vigil::api
