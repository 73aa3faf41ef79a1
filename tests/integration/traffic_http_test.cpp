// Integration tests of the traffic API against the real `vigil serve`: without a traffic model (503, /ready,
// alert and statistics routes) and with the bundled one (predict, batches, alerts, folding, SIGTERM).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <sstream>

#include "shared_server_test.hpp"
#include "test_server.hpp"

namespace vigil::testing {
namespace {

namespace json = boost::json;

// NSL-KDD's 41 feature names, in file order.
constexpr const char* kFields[] = {
    "duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "land", "wrong_fragment", "urgent",
    "hot", "num_failed_logins", "logged_in", "num_compromised", "root_shell", "su_attempted", "num_root",
    "num_file_creations", "num_shells", "num_access_files", "num_outbound_cmds", "is_host_login", "is_guest_login",
    "count", "srv_count", "serror_rate", "srv_serror_rate", "rerror_rate", "srv_rerror_rate", "same_srv_rate",
    "diff_srv_rate", "srv_diff_host_rate", "dst_host_count", "dst_host_srv_count", "dst_host_same_srv_rate",
    "dst_host_diff_srv_rate", "dst_host_same_src_port_rate", "dst_host_srv_diff_host_rate", "dst_host_serror_rate",
    "dst_host_srv_serror_rate", "dst_host_rerror_rate", "dst_host_srv_rerror_rate"};

// Two rows of KDDTest+ (features only): a neptune SYN flood and a normal FTP data transfer.
constexpr const char* kNeptuneCsv =
    "0,tcp,private,REJ,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,229,10,0.00,0.00,1.00,1.00,0.04,0.06,0.00,255,10,0.04,"
    "0.06,0.00,0.00,0.00,0.00,1.00,1.00";
constexpr const char* kNormalCsv =
    "2,tcp,ftp_data,SF,12983,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,1,0.00,0.00,0.00,0.00,1.00,0.00,0.00,134,86,0.61,"
    "0.04,0.61,0.02,0.00,0.00,0.00,0.00";

std::string csv_header() {
    std::string h;
    for (const char* f : kFields) {
        if (!h.empty()) h += ',';
        h += f;
    }
    return h;
}

// A CSV row as a JSON record (categorical fields are columns 1..3).
json::object record_object(const std::string& csv) {
    json::object o;
    std::stringstream in(csv);
    std::string cell;
    for (std::size_t i = 0; std::getline(in, cell, ','); ++i) {
        if (i >= 1 && i <= 3) {
            o[kFields[i]] = cell;
        } else {
            o[kFields[i]] = std::stod(cell);
        }
    }
    return o;
}
std::string record_json(const std::string& csv) { return json::serialize(record_object(csv)); }

json::object parse_object(const std::string& body) {
    json::error_code ec;
    auto v = json::parse(body, ec);
    EXPECT_FALSE(ec) << body;
    if (ec || !v.is_object()) return {};
    return v.as_object();
}

void expect_problem(const HttpResult& r, int status, std::string_view detail_part = {}) {
    EXPECT_EQ(r.status, status) << r.body;
    auto it = r.headers.find("content-type");
    ASSERT_NE(it, r.headers.end());
    EXPECT_EQ(it->second, "application/problem+json");
    auto o = parse_object(r.body);
    ASSERT_TRUE(o.contains("detail")) << r.body;
    EXPECT_EQ(o.at("status").as_int64(), status);
    if (!detail_part.empty()) {
        EXPECT_NE(std::string(o.at("detail").as_string()).find(detail_part), std::string::npos) << r.body;
    }
}

int64_t count_rows(const std::filesystem::path& db_path, const char* sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    sqlite3_stmt* st = nullptr;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

// A minimal WebSocket client (RFC 6455): handshake, then unmasked server text frames.
class WsClient {
public:
    explicit WsClient(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~WsClient() {
        if (fd_ >= 0) ::close(fd_);
    }
    // Returns the HTTP status of the handshake answer.
    int handshake(const std::string& path) {
        const std::string req = "GET " + path +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        if (fd_ < 0 || ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return 0;
        while (buffer_.find("\r\n\r\n") == std::string::npos) {
            if (!fill(std::chrono::milliseconds(5000))) return 0;
        }
        const int status = std::atoi(buffer_.c_str() + 9);
        buffer_.erase(0, buffer_.find("\r\n\r\n") + 4);
        return status;
    }
    // The payload of the next text frame, or "" after `timeout`.
    std::string next_text(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            if (buffer_.size() >= 2) {
                const auto b1 = static_cast<unsigned char>(buffer_[1]);
                std::size_t len = b1 & 0x7f, header = 2;
                if (len == 126 && buffer_.size() >= 4) {
                    len = (static_cast<unsigned char>(buffer_[2]) << 8) | static_cast<unsigned char>(buffer_[3]);
                    header = 4;
                }
                if (len < 126 || header == 4) {
                    if (buffer_.size() >= header + len) {
                        std::string payload = buffer_.substr(header, len);
                        const bool text = (static_cast<unsigned char>(buffer_[0]) & 0x0f) == 1;
                        buffer_.erase(0, header + len);
                        if (text) return payload;
                        continue;
                    }
                }
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                                    std::chrono::steady_clock::now());
            if (left.count() <= 0 || !fill(left)) return {};
        }
    }

private:
    bool fill(std::chrono::milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
        char tmp[4096];
        const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
        if (n <= 0) return false;
        buffer_.append(tmp, static_cast<std::size_t>(n));
        return true;
    }
    int fd_ = -1;
    std::string buffer_;
};

std::filesystem::path traffic_model_dir() { return std::filesystem::path(VIGIL_SOURCE_DIR) / "models" / "traffic"; }

// ---- without a traffic model ------------------------------------------------------------------------------

class TrafficNoModelTest : public SharedServerTest<TrafficNoModelTest> {
public:
    static std::vector<std::string> server_flags() { return {"--traffic-model", "/nonexistent/traffic-model"}; }
};

TEST_F(TrafficNoModelTest, UrlChecksStillRunAndReadyNamesTheMissingModel) {
    EXPECT_EQ(server_->post_json("/api/v1/check", R"({"url":"https://example.org/"})").status, 200);
    auto ready = server_->get("/ready");
    EXPECT_EQ(ready.status, 200);
    auto o = parse_object(ready.body);
    ASSERT_TRUE(o.contains("degraded")) << ready.body;
    EXPECT_NE(json::serialize(o.at("degraded")).find("/nonexistent/traffic-model"), std::string::npos);
}

TEST_F(TrafficNoModelTest, PredictAnswers503WithAClearDetail) {
    expect_problem(server_->post_json("/api/v1/predict", "{}"), 503, "traffic model not loaded");
    expect_problem(server_->post_json("/api/v1/predict/batch", R"({"records":[]})"), 503, "/nonexistent");
}

TEST_F(TrafficNoModelTest, AlertParametersAreValidated) {
    auto ok = server_->get("/api/v1/alerts?severity=HIGH&since=2026-01-01T00:00:00Z&acknowledged=false&limit=10");
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_TRUE(parse_object(ok.body).at("alerts").as_array().empty());
    for (const char* q : {"severity=SEVERE", "since=tomorrow", "until=1x", "acknowledged=yes", "limit=0",
                          "limit=100000", "cursor=-3", "offset=5", "limit=1&limit=2", "since=5&until=4",
                          "since=%zz"}) {
        expect_problem(server_->get(std::string("/api/v1/alerts?") + q), 400);
    }
    expect_problem(server_->post_json("/api/v1/alerts/12345/ack", ""), 404, "12345");
    expect_problem(server_->post_json("/api/v1/alerts/abc/ack", ""), 404);
    expect_problem(server_->get("/api/v1/alerts/1/ack"), 405);
}

TEST_F(TrafficNoModelTest, StatisticsAndMonitorAnswer) {
    server_->post_json("/api/v1/check", R"({"url":"https://stats-probe.example.org/"})");
    auto r = server_->get("/api/v1/statistics");
    ASSERT_EQ(r.status, 200) << r.body;
    auto o = parse_object(r.body);
    for (const char* w : {"1m", "1h", "24h"}) EXPECT_TRUE(o.at("windows").as_object().contains(w)) << w;
    EXPECT_GE(o.at("http").at("requests_total").as_int64(), 1);
    EXPECT_TRUE(o.at("models").at("traffic").is_null());
    EXPECT_FALSE(o.at("models").at("url").at("name").as_string().empty());
    expect_problem(server_->get("/api/v1/statistics?window=1m"), 400);
    auto m = server_->get("/api/v1/monitor/traffic");
    ASSERT_EQ(m.status, 200) << m.body;
    auto mo = parse_object(m.body);
    EXPECT_TRUE(mo.at("jobs").is_array());
    EXPECT_TRUE(mo.at("recent_verdicts").is_array());
}

TEST_F(TrafficNoModelTest, AlertWebSocketUpgradesAndPlainGetIs426) {
    WsClient ws(server_->port());
    EXPECT_EQ(ws.handshake("/ws/alerts"), 101);
    expect_problem(server_->get("/ws/alerts"), 426);
    WsClient other(server_->port());
    EXPECT_EQ(other.handshake("/ws/nothing"), 404);
}

TEST_F(TrafficNoModelTest, OpenApiDescribesTheTrafficRoutes) {
    auto doc = parse_object(server_->get("/openapi.json").body);
    const auto& paths = doc.at("paths").as_object();
    for (const char* p : {"/api/v1/predict", "/api/v1/predict/batch", "/api/v1/alerts", "/api/v1/alerts/{id}/ack",
                          "/api/v1/statistics", "/api/v1/monitor/traffic"}) {
        EXPECT_TRUE(paths.contains(p)) << p;
    }
}

// ---- with the bundled traffic model -----------------------------------------------------------------------

class TrafficModelTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!std::filesystem::exists(traffic_model_dir() / "metadata.json")) return;
        server_ = new TestServer({"--traffic-model", traffic_model_dir().string(), "--max-predict-batch", "50",
                                  "--alert-min-severity", "MEDIUM", "--alert-fold-window-s", "3600"});
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    void SetUp() override {
        if (server_ == nullptr) GTEST_SKIP() << "no bundled traffic model at " << traffic_model_dir();
        ASSERT_TRUE(server_->running()) << server_->output();
    }
    static TestServer* server_;
};
TestServer* TrafficModelTest::server_ = nullptr;

TEST_F(TrafficModelTest, PredictReturnsAVerdictWithReasons) {
    auto r = server_->post_json("/api/v1/predict", record_json(kNeptuneCsv));
    ASSERT_EQ(r.status, 200) << r.body;
    auto o = parse_object(r.body);
    for (const char* key : {"prediction", "family", "probability", "severity", "reasons", "model", "took_us",
                            "record_id", "alert"}) {
        EXPECT_TRUE(o.contains(key)) << key;
    }
    EXPECT_EQ(o.at("prediction").as_string(), "attack") << r.body;
    EXPECT_EQ(o.at("family").as_string(), "DoS") << r.body;
    const double p = o.at("probability").to_number<double>();
    const char* expected = p >= 0.8 ? "HIGH" : p >= 0.5 ? "MEDIUM" : p >= 0.3 ? "LOW" : "INFO";
    EXPECT_EQ(o.at("severity").as_string(), expected);
    EXPECT_FALSE(o.at("reasons").as_array().empty());
    EXPECT_EQ(o.at("reasons").as_array()[0].at("kind").as_string(), "feature");
    EXPECT_FALSE(o.at("model").at("version").as_string().empty());

    auto n = parse_object(server_->post_json("/api/v1/predict", record_json(kNormalCsv)).body);
    EXPECT_EQ(n.at("prediction").as_string(), "normal");
    EXPECT_EQ(n.at("family").as_string(), "normal");
}

TEST_F(TrafficModelTest, EveryBadRecordIs400NamingTheField) {
    auto missing = record_object(kNormalCsv);
    missing.erase("flag");
    auto r = server_->post_json("/api/v1/predict", json::serialize(missing));
    expect_problem(r, 400, "'flag'");
    EXPECT_EQ(parse_object(r.body).at("field").as_string(), "flag");

    auto unknown = record_object(kNormalCsv);
    unknown["label"] = "normal";
    expect_problem(server_->post_json("/api/v1/predict", json::serialize(unknown)), 400, "unknown field 'label'");

    auto mistyped = record_object(kNormalCsv);
    mistyped["src_bytes"] = "12983";
    expect_problem(server_->post_json("/api/v1/predict", json::serialize(mistyped)), 400, "'src_bytes'");
    auto mistyped2 = record_object(kNormalCsv);
    mistyped2["protocol_type"] = 6;
    expect_problem(server_->post_json("/api/v1/predict", json::serialize(mistyped2)), 400, "'protocol_type'");

    expect_problem(server_->post_json("/api/v1/predict", "{\"duration\":"), 400, "not valid JSON");
    expect_problem(server_->post_json("/api/v1/predict", "[]"), 400);
    std::string huge = record_json(kNormalCsv);
    const auto at = huge.find("\"duration\":2");
    ASSERT_NE(at, std::string::npos) << huge;
    huge = huge.substr(0, at) + "\"duration\":1e999" + huge.substr(at + 12);
    expect_problem(server_->post_json("/api/v1/predict", huge), 400);
    HttpConnection c(server_->port());
    expect_problem(c.request("POST", "/api/v1/predict", record_json(kNormalCsv), "text/plain"), 415);
}

TEST_F(TrafficModelTest, HostileBytesAreAnsweredNotCrashed) {
    auto hostile = record_object(kNormalCsv);
    hostile["service"] = std::string("ht\0tp\x01\x7f", 7);
    expect_problem(server_->post_json("/api/v1/predict", json::serialize(hostile)), 400, "'service'");
    std::string binary;
    for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>((i * 7919) & 0xFF));
    expect_problem(server_->post_json("/api/v1/predict", binary), 400);
    HttpConnection c(server_->port());
    auto csv = c.request("POST", "/api/v1/predict/batch", csv_header() + "\n" + binary, "text/csv");
    EXPECT_TRUE(csv.status == 200 || csv.status == 400) << csv.status;
    std::string invalid_utf8 = record_json(kNormalCsv);
    const auto svc = invalid_utf8.find("ftp_data");
    ASSERT_NE(svc, std::string::npos);
    invalid_utf8 = invalid_utf8.substr(0, svc) + "\xff\xfe\xfd" + invalid_utf8.substr(svc + 8);
    expect_problem(server_->post_json("/api/v1/predict", invalid_utf8), 400);
    EXPECT_EQ(server_->get("/health").status, 200);
}

TEST_F(TrafficModelTest, JsonBatchScoresGoodRecordsAndNamesBadOnes) {
    auto bad = record_object(kNormalCsv);
    bad["count"] = "many";
    const std::string body = "{\"records\":[" + record_json(kNeptuneCsv) + "," + json::serialize(bad) + "," +
                             record_json(kNormalCsv) + "]}";
    auto r = server_->post_json("/api/v1/predict/batch", body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto o = parse_object(r.body);
    const auto& results = o.at("results").as_array();
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].at("prediction").as_string(), "attack");
    EXPECT_EQ(results[1].at("status").as_int64(), 400);
    EXPECT_EQ(results[1].at("index").as_int64(), 1);
    EXPECT_EQ(results[1].at("field").as_string(), "count");
    EXPECT_EQ(results[2].at("prediction").as_string(), "normal");
    EXPECT_EQ(o.at("scored").as_int64(), 2);
}

TEST_F(TrafficModelTest, CsvBatch) {
    std::string bad_duration(kNormalCsv);
    bad_duration[0] = 'x';
    std::string body = csv_header() + "\r\n" + kNeptuneCsv + "\r\n" + kNormalCsv + "\r\n" + bad_duration + "\r\n";
    HttpConnection c(server_->port());
    auto r = c.request("POST", "/api/v1/predict/batch", body, "text/csv");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto o = parse_object(r.body);
    const auto& results = o.at("results").as_array();
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].at("prediction").as_string(), "attack");
    EXPECT_EQ(results[1].at("prediction").as_string(), "normal");
    EXPECT_EQ(results[2].at("field").as_string(), "duration");
    expect_problem(c.request("POST", "/api/v1/predict/batch", "duration,flag\n1,SF\n", "text/csv"), 400, "missing");
}

TEST_F(TrafficModelTest, OversizeBatchIs413AndWrongTypeIs415) {
    std::string body = "{\"records\":[";
    for (int i = 0; i < 51; ++i) {
        if (i > 0) body += ',';
        body += record_json(kNormalCsv);
    }
    body += "]}";
    expect_problem(server_->post_json("/api/v1/predict/batch", body), 413, "at most 50");
    HttpConnection c(server_->port());
    expect_problem(c.request("POST", "/api/v1/predict/batch", "<records/>", "application/xml"), 415);
}

TEST_F(TrafficModelTest, AlertIsRaisedFoldedListedAndAcknowledged) {
    WsClient ws(server_->port());
    ASSERT_EQ(ws.handshake("/ws/alerts"), 101);
    auto first = parse_object(server_->post_json("/api/v1/predict", record_json(kNeptuneCsv)).body);
    ASSERT_TRUE(first.at("alert").is_object()) << json::serialize(first);
    const int64_t id = first.at("alert").at("id").as_int64();
    if (!first.at("alert").at("folded").as_bool()) {
        // A new alert is pushed to WebSocket subscribers as it is raised.
        auto pushed = parse_object(ws.next_text(std::chrono::milliseconds(5000)));
        ASSERT_TRUE(pushed.contains("alert")) << json::serialize(pushed);
        EXPECT_EQ(pushed.at("event").as_string(), "alert_raised");
        EXPECT_EQ(pushed.at("alert").at("id").as_int64(), id);
    }
    auto second = parse_object(server_->post_json("/api/v1/predict", record_json(kNeptuneCsv)).body);
    ASSERT_TRUE(second.at("alert").is_object());
    EXPECT_EQ(second.at("alert").at("id").as_int64(), id);
    EXPECT_TRUE(second.at("alert").at("folded").as_bool());
    const int64_t count = second.at("alert").at("count").as_int64();
    EXPECT_GE(count, 2);

    auto list = parse_object(server_->get("/api/v1/alerts?severity=MEDIUM&acknowledged=false").body);
    const json::object* found = nullptr;
    for (const auto& a : list.at("alerts").as_array()) {
        if (a.at("id").as_int64() == id) found = &a.as_object();
    }
    ASSERT_NE(found, nullptr) << json::serialize(list);
    EXPECT_EQ(found->at("count").as_int64(), count);
    EXPECT_EQ(found->at("family").as_string(), "DoS");
    EXPECT_EQ(found->at("source").as_string(), "api");
    EXPECT_FALSE(found->at("acknowledged").as_bool());
    EXPECT_TRUE(found->at("record_id").is_int64());

    auto ack = server_->post_json("/api/v1/alerts/" + std::to_string(id) + "/ack", "");
    ASSERT_EQ(ack.status, 200) << ack.body;
    const auto acked_at = parse_object(ack.body).at("acked_ts_ms");
    auto again = server_->post_json("/api/v1/alerts/" + std::to_string(id) + "/ack", "");
    ASSERT_EQ(again.status, 200);
    EXPECT_EQ(parse_object(again.body).at("acked_ts_ms"), acked_at);  // idempotent
    auto open = parse_object(server_->get("/api/v1/alerts?acknowledged=false").body);
    for (const auto& a : open.at("alerts").as_array()) EXPECT_NE(a.at("id").as_int64(), id);
    // After the acknowledgement the same attack opens a new alert.
    auto third = parse_object(server_->post_json("/api/v1/predict", record_json(kNeptuneCsv)).body);
    EXPECT_NE(third.at("alert").at("id").as_int64(), id);

    auto stats = parse_object(server_->get("/api/v1/statistics").body);
    EXPECT_GE(stats.at("windows").at("1m").at("traffic").at("by_prediction").at("attack").as_int64(), 3);
    EXPECT_FALSE(stats.at("models").at("traffic").is_null());
}

TEST(TrafficShutdown, SigtermKeepsEveryAcceptedRecord) {
    if (!std::filesystem::exists(traffic_model_dir() / "metadata.json")) GTEST_SKIP() << "no bundled traffic model";
    TestServer server({"--traffic-model", traffic_model_dir().string(), "--threads", "2"});
    ASSERT_TRUE(server.running()) << server.output();
    std::string body = "{\"records\":[";
    for (int i = 0; i < 200; ++i) {
        if (i > 0) body += ',';
        body += record_json(i % 3 == 0 ? kNeptuneCsv : kNormalCsv);
    }
    body += "]}";
    int64_t scored = 0;
    for (int round = 0; round < 5; ++round) {
        auto r = server.post_json("/api/v1/predict/batch", body);
        ASSERT_EQ(r.status, 200) << r.body;
        scored += parse_object(r.body).at("scored").as_int64();
    }
    for (int i = 0; i < 20; ++i) ASSERT_EQ(server.post_json("/api/v1/predict", record_json(kNormalCsv)).status, 200);
    scored += 20;
    EXPECT_EQ(server.terminate(), 0) << server.output();
    EXPECT_EQ(count_rows(server.db_path(), "SELECT COUNT(*) FROM traffic_records"), scored);
    EXPECT_EQ(count_rows(server.db_path(), "SELECT COUNT(*) FROM predictions WHERE kind = 'traffic'"), scored);
    EXPECT_EQ(count_rows(server.db_path(), "SELECT COUNT(*) FROM threats WHERE kind = 'traffic'"), 1);
    EXPECT_EQ(count_rows(server.db_path(), "SELECT SUM(count) FROM threats WHERE kind = 'traffic'"),
              count_rows(server.db_path(),
                         "SELECT COUNT(*) FROM predictions WHERE label = 'attack' AND severity IN ('MEDIUM', 'HIGH')"));
}

}  // namespace
}  // namespace vigil::testing
