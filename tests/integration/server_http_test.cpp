// Integration tests: the real `vigil serve` process over real sockets.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>

#include "shared_server_test.hpp"
#include "test_server.hpp"

namespace vigil::testing {
namespace {

namespace json = boost::json;

class ServerTest : public SharedServerTest<ServerTest> {
public:
    static std::vector<std::string> server_flags() { return {"--read-timeout-ms", "400"}; }
};

json::object parse_object(const std::string& body) {
    json::error_code ec;
    auto v = json::parse(body, ec);
    EXPECT_FALSE(ec) << body;
    if (ec || !v.is_object()) return {};
    return v.as_object();
}

void expect_problem(const HttpResult& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    auto it = r.headers.find("content-type");
    ASSERT_NE(it, r.headers.end());
    EXPECT_EQ(it->second, "application/problem+json");
    auto o = parse_object(r.body);
    EXPECT_TRUE(o.contains("type"));
    EXPECT_TRUE(o.contains("title"));
    EXPECT_TRUE(o.contains("detail"));
    ASSERT_TRUE(o.contains("status"));
    EXPECT_EQ(o.at("status").as_int64(), status);
}

TEST_F(ServerTest, HealthReadyOpenApi) {
    EXPECT_EQ(server_->get("/health").status, 200);
    EXPECT_EQ(server_->get("/ready").status, 200);
    auto doc = server_->get("/openapi.json");
    ASSERT_EQ(doc.status, 200);
    auto o = parse_object(doc.body);
    EXPECT_TRUE(o.at("paths").as_object().contains("/api/v1/check"));
}

TEST_F(ServerTest, CheckReturnsVerdictWithReasons) {
    auto r = server_->post_json("/api/v1/check",
                                R"({"url":"http://paypal.com.secure-login.example.ru/webscr?cmd=_login"})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto o = parse_object(r.body);
    for (const char* key : {"url", "canonical_url", "verdict", "score", "severity", "reasons", "model", "cached",
                            "took_us"}) {
        EXPECT_TRUE(o.contains(key)) << key;
    }
    double score = o.at("score").to_number<double>();
    EXPECT_GE(score, 0.0);
    EXPECT_LE(score, 1.0);
    std::string severity(o.at("severity").as_string());
    const char* expected = score >= 0.8 ? "HIGH" : score >= 0.5 ? "MEDIUM" : score >= 0.3 ? "LOW" : "INFO";
    EXPECT_EQ(severity, expected);
    EXPECT_NE(std::string(o.at("verdict").as_string()), "benign") << r.body;
    EXPECT_FALSE(o.at("reasons").as_array().empty());
    EXPECT_EQ(std::string(o.at("canonical_url").as_string()),
              "http://paypal.com.secure-login.example.ru/webscr?cmd=_login");
}

TEST_F(ServerTest, SecondCheckIsCached) {
    const char* body = R"({"url":"https://cache-probe.example.org/some/path"})";
    auto first = parse_object(server_->post_json("/api/v1/check", body).body);
    auto second = parse_object(server_->post_json("/api/v1/check", body).body);
    EXPECT_FALSE(first.at("cached").as_bool());
    EXPECT_TRUE(second.at("cached").as_bool());
    EXPECT_EQ(first.at("score"), second.at("score"));
}

TEST_F(ServerTest, FlaggedVerdictGetsExactExplanationThroughTheCache) {
    const char* body = R"({"url":"http://paypal.com.account-verify.example.ru/signin/webscr.php?cmd=_login"})";
    auto first = parse_object(server_->post_json("/api/v1/check", body).body);
    ASSERT_NE(std::string(first.at("verdict").as_string()), "benign");
    EXPECT_EQ(std::string(first.at("explanation").as_string()), "path");
    // The idle thread computes TreeSHAP and replaces the cached verdict.
    json::object later;
    for (int i = 0; i < 2000; ++i) {
        later = parse_object(server_->post_json("/api/v1/check", body).body);
        if (later.at("explanation").as_string() == "treeshap") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(std::string(later.at("explanation").as_string()), "treeshap");
    EXPECT_TRUE(later.at("cached").as_bool());
    EXPECT_EQ(later.at("score"), first.at("score"));
    auto exact = parse_object(server_->post_json(
        "/api/v1/check",
        R"({"url":"http://paypal.com.account-verify.example.ru/signin/webscr.php?cmd=_login","explain":"exact"})")
                                  .body);
    EXPECT_EQ(later.at("reasons"), exact.at("reasons"));
    auto metrics = server_->get("/metrics").body;
    EXPECT_NE(metrics.find("vigil_background_explanations_total "), std::string::npos);
    EXPECT_EQ(metrics.find("vigil_background_explanations_total 0\n"), std::string::npos) << metrics;
}

TEST_F(ServerTest, MalformedJsonIs400) { expect_problem(server_->post_json("/api/v1/check", "{\"url\":"), 400); }
TEST_F(ServerTest, MissingFieldIs400) { expect_problem(server_->post_json("/api/v1/check", "{}"), 400); }
TEST_F(ServerTest, UnknownFieldIs400) {
    expect_problem(server_->post_json("/api/v1/check", R"({"url":"a.com","colour":"red"})"), 400);
}
TEST_F(ServerTest, WrongTypeIs400) { expect_problem(server_->post_json("/api/v1/check", R"({"url":42})"), 400); }
TEST_F(ServerTest, NonObjectIs400) { expect_problem(server_->post_json("/api/v1/check", R"(["a.com"])"), 400); }
TEST_F(ServerTest, EmptyUrlIs400) { expect_problem(server_->post_json("/api/v1/check", R"({"url":""})"), 400); }
TEST_F(ServerTest, UnparseableUrlIs400) {
    expect_problem(server_->post_json("/api/v1/check", R"({"url":"http://"})"), 400);
}
TEST_F(ServerTest, UrlOver8KiBIs413) {
    std::string body = R"({"url":"http://a.com/)" + std::string(9000, 'a') + "\"}";
    expect_problem(server_->post_json("/api/v1/check", body), 413);
}
TEST_F(ServerTest, BodyOver1MiBIs413) {
    std::string body = R"({"url":"http://a.com/","pad":")" + std::string(2 << 20, 'a') + "\"}";
    expect_problem(server_->post_json("/api/v1/check", body), 413);
}
TEST_F(ServerTest, WrongContentTypeIs415) {
    HttpConnection c(server_->port());
    expect_problem(c.request("POST", "/api/v1/check", R"({"url":"a.com"})", "text/plain"), 415);
}
TEST_F(ServerTest, UnknownRouteIs404) { expect_problem(server_->get("/api/v1/nope"), 404); }
TEST_F(ServerTest, WrongMethodIs405WithAllow) {
    auto r = server_->get("/api/v1/check");
    expect_problem(r, 405);
    EXPECT_EQ(r.headers["allow"], "POST");
}
TEST_F(ServerTest, HostileBytesInUrlAreAnsweredNotCrashed) {
    std::string body = "{\"url\":\"http://a\\u0000b.com/\\u0001\\u00ff\"}";
    auto r = server_->post_json("/api/v1/check", body);
    EXPECT_TRUE(r.status == 200 || r.status == 400) << r.status << r.body;
    std::string binary;
    for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>((i * 7919) & 0xFF));
    auto r2 = server_->post_json("/api/v1/check", binary);
    expect_problem(r2, 400);
    EXPECT_EQ(server_->get("/health").status, 200);
}
TEST_F(ServerTest, MalformedHttpIs400AndClosed) {
    HttpConnection c(server_->port());
    ASSERT_TRUE(c.send_raw("GARBAGE\x01\x02 / HTTP/9.9\r\n\r\n"));
    auto r = c.read_response();
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(c.wait_closed(std::chrono::milliseconds(2000)));
}
// The session writes status line and headers itself: HEAD, HTTP/1.0 and Connection: close must come
// out as HTTP/1.1 (RFC 9112) says, and keep-alive must keep working after each.
TEST_F(ServerTest, HeadHasTheLengthButNoBodyAndKeepsTheConnection) {
    HttpConnection c(server_->port());
    ASSERT_TRUE(c.send_raw("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto head = c.read_response(std::chrono::milliseconds(5000), /*with_body=*/false);
    EXPECT_EQ(head.status_line, "HTTP/1.1 200 OK");
    const auto get = c.request("GET", "/health");  // the next response starts right after the head
    ASSERT_EQ(get.status, 200);
    EXPECT_EQ(head.headers["content-length"], std::to_string(get.body.size()));
    EXPECT_EQ(head.headers["content-type"], "application/json");
    EXPECT_EQ(get.headers.count("connection"), 0u) << "HTTP/1.1 keep-alive is the default";
}
TEST_F(ServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
    HttpConnection once(server_->port());
    ASSERT_TRUE(once.send_raw("GET /health HTTP/1.0\r\n\r\n"));
    auto r = once.read_response();
    EXPECT_EQ(r.status_line, "HTTP/1.0 200 OK");
    EXPECT_EQ(r.body, R"({"status":"ok"})");
    EXPECT_TRUE(once.wait_closed(std::chrono::milliseconds(3000)));

    HttpConnection kept(server_->port());
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(kept.send_raw("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        auto k = kept.read_response();
        EXPECT_EQ(k.status, 200) << "request " << i;
        EXPECT_EQ(k.headers["connection"], "keep-alive");
    }
}
TEST_F(ServerTest, ConnectionCloseIsAnsweredAndHonoured) {
    HttpConnection c(server_->port());
    ASSERT_TRUE(c.send_raw("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    auto r = c.read_response();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.headers["connection"], "close");
    EXPECT_TRUE(c.wait_closed(std::chrono::milliseconds(3000)));
}
// Answers wait behind the handlers already queued (coalescing); requests pipelined on one connection
// must still be answered one each, in order, across many connections at once.
TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
    constexpr int kConnections = 8, kPerConnection = 5;
    std::vector<std::unique_ptr<HttpConnection>> connections;
    for (int c = 0; c < kConnections; ++c) {
        connections.push_back(std::make_unique<HttpConnection>(server_->port()));
        std::string burst;
        for (int i = 0; i < kPerConnection; ++i) {
            const std::string body =
                "{\"url\":\"http://pipe" + std::to_string(c) + "-" + std::to_string(i) + ".example.com/\"}";
            burst += "POST /api/v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body;
        }
        ASSERT_TRUE(connections.back()->send_raw(burst));
    }
    for (int c = 0; c < kConnections; ++c) {
        for (int i = 0; i < kPerConnection; ++i) {
            auto r = connections[c]->read_response();
            ASSERT_EQ(r.status, 200) << "connection " << c << " request " << i;
            const auto expected =
                "\"url\":\"http://pipe" + std::to_string(c) + "-" + std::to_string(i) + ".example.com/\"";
            EXPECT_NE(r.body.find(expected), std::string::npos) << r.body;
        }
    }
}
TEST_F(ServerTest, SlowClientIsTimedOut) {
    HttpConnection c(server_->port());
    ASSERT_TRUE(c.send_raw("POST /api/v1/check HTTP/1.1\r\nHost: x\r\n"));  // never finishes the headers
    EXPECT_TRUE(c.wait_closed(std::chrono::milliseconds(3000)));
}

TEST_F(ServerTest, BatchReturnsOneResultPerUrlInOrder) {
    auto r = server_->post_json("/api/v1/check/batch", R"({"urls":["google.com","http://","a.example/x"]})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto results = parse_object(r.body).at("results").as_array();
    ASSERT_EQ(results.size(), 3u);
    EXPECT_TRUE(results[0].as_object().contains("verdict"));
    EXPECT_TRUE(results[1].as_object().contains("error"));
    EXPECT_EQ(std::string(results[2].as_object().at("url").as_string()), "a.example/x");
}
TEST_F(ServerTest, BatchOver1000Is413) {
    std::string body = R"({"urls":[)";
    for (int i = 0; i < 1001; ++i) body += (i ? ",\"a" : "\"a") + std::to_string(i) + ".com\"";
    body += "]}";
    expect_problem(server_->post_json("/api/v1/check/batch", body), 413);
}
TEST_F(ServerTest, BatchWithNonStringIs400) {
    expect_problem(server_->post_json("/api/v1/check/batch", R"({"urls":["a.com",7]})"), 400);
}

TEST_F(ServerTest, ManyParallelKeepAliveClients) {
    constexpr int kThreads = 8, kRequests = 100;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            HttpConnection c(server_->port());
            for (int i = 0; i < kRequests; ++i) {
                std::string body = R"({"url":"http://host)" + std::to_string(t) + ".example.com/p/" +
                                   std::to_string(i) + "\"}";
                if (c.request("POST", "/api/v1/check", body).status == 200) ok.fetch_add(1);
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), kThreads * kRequests);
}

TEST_F(ServerTest, MetricsExposeRoutesAndCache) {
    server_->post_json("/api/v1/check", R"({"url":"metrics-probe.example"})");
    auto r = server_->get("/metrics");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("vigil_http_requests_total{route=\"/api/v1/check\",status=\"200\"}"), std::string::npos);
    EXPECT_NE(r.body.find("vigil_http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(r.body.find("vigil_cache_hits_total"), std::string::npos);
    EXPECT_NE(r.body.find("vigil_write_queue_dropped_total"), std::string::npos);
    EXPECT_NE(r.body.find("vigil_url_verdicts_total{verdict=\"benign\"}"), std::string::npos);
}

int64_t count_rows(const std::filesystem::path& db) {
    sqlite3* handle = nullptr;
    if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return -1;
    sqlite3_stmt* stmt = nullptr;
    int64_t n = -1;
    if (sqlite3_prepare_v2(handle, "SELECT COUNT(*) FROM url_checks", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        n = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(handle);
    return n;
}

TEST(ServerShutdown, SigtermKeepsEveryAcceptedCheck) {
    TestServer server;
    ASSERT_TRUE(server.running()) << server.output();
    constexpr int kRequests = 500;
    HttpConnection c(server.port());
    int ok = 0;
    for (int i = 0; i < kRequests; ++i) {
        std::string body = R"({"url":"http://persist.example.com/item/)" + std::to_string(i) + "\"}";
        ok += c.request("POST", "/api/v1/check", body).status == 200;
    }
    ASSERT_EQ(ok, kRequests);
    EXPECT_EQ(server.terminate(), 0) << server.output();
    EXPECT_EQ(count_rows(server.db_path()), kRequests);
}

TEST(ServerStartup, RefusesMismatchedModel) {
    // A model directory whose metadata names other features must be refused with a clear message.
    auto dir = std::filesystem::temp_directory_path() / "vigil-bad-model";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::filesystem::copy(model_dir(), dir,
                          std::filesystem::copy_options::recursive);
    {
        std::ifstream in(dir / "metadata.json");
        std::stringstream ss;
        ss << in.rdbuf();
        auto meta = json::parse(ss.str()).as_object();
        meta["features_version"] = 9999;
        std::ofstream out(dir / "metadata.json");
        out << json::serialize(meta);
    }
    std::string cmd = vigil_binary().string() + " serve --listen 127.0.0.1:0 --db " + (dir / "x.db").string() +
                      " --model " + dir.string() + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = ::pclose(p);
    EXPECT_NE(WEXITSTATUS(status), 0);
    EXPECT_NE(out.find("features"), std::string::npos) << out;
    std::filesystem::remove_all(dir);
}

std::string run_and_capture(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (p == nullptr) return out;
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    ::pclose(p);
    return out;
}

TEST(CheckCommand, ScoresOfflineAndWarnsAboutAnotherBrandList) {
    const std::string base = vigil_binary().string() + " check --model " + model_dir().string() + " ";
    auto out = run_and_capture(base + "google.com 'paypal.com.secure-login.example.ru/webscr?cmd=_login'");
    EXPECT_EQ(out.find("warning"), std::string::npos) << out;
    auto lines = std::count(out.begin(), out.end(), '\n');
    EXPECT_EQ(lines, 2) << out;
    EXPECT_NE(out.find("\"verdict\":\"benign\""), std::string::npos) << out;

    auto other = std::filesystem::temp_directory_path() / "vigil-other-brands.csv";
    {
        std::ofstream f(other);
        f << "1,example.com\n2,example.org\n";
    }
    auto warned = run_and_capture(base + "--brands " + other.string() + " google.com");
    EXPECT_NE(warned.find("warning: brand list"), std::string::npos) << warned;
    std::filesystem::remove(other);
}

// `vigil check` applies the verdict rules `vigil serve` would: the same lists flip the same verdicts.
TEST(CheckCommand, AppliesTheServersVerdictRulesOffline) {
    const std::string base = vigil_binary().string() + " check --model " + model_dir().string() + " ";
    const std::string url = "'paypal.com.secure-login.example.ru/webscr?cmd=_login'";
    auto list = std::filesystem::temp_directory_path() / ("vigil-check-list-" + std::to_string(::getpid()) + ".txt");
    {
        std::ofstream f(list);
        f << "example.ru\n";
    }
    auto model_only = run_and_capture(base + "--no-rules " + url);
    EXPECT_NE(model_only.find("\"verdict\":\"phishing\""), std::string::npos) << model_only;
    EXPECT_EQ(model_only.find("\"kind\":\"rule\",\"name\":\"allow-list\""), std::string::npos) << model_only;

    auto allowed = run_and_capture(base + "--allow-list " + list.string() + " " + url);
    EXPECT_NE(allowed.find("\"verdict\":\"benign\""), std::string::npos) << allowed;
    EXPECT_NE(allowed.find("\"name\":\"allow-list\""), std::string::npos) << allowed;

    auto denied = run_and_capture(base + "--deny-list " + list.string() + " example.ru");
    EXPECT_NE(denied.find("\"verdict\":\"phishing\""), std::string::npos) << denied;
    EXPECT_NE(denied.find("\"name\":\"deny-list\""), std::string::npos) << denied;

    // The default popular-domain list caps what the model alone says about a popular domain's URLs.
    auto popular = run_and_capture(base + "'https://www.paypal.com/signin/verify-account/update-billing-login.php'");
    EXPECT_NE(popular.find("\"name\":\"popular-domain\""), std::string::npos) << popular;

    std::filesystem::remove(list);
    auto missing = run_and_capture(base + "--allow-list /nonexistent/list.txt example.ru 2>&1; echo \"exit=$?\"");
    EXPECT_NE(missing.find("--allow-list"), std::string::npos) << missing;
    EXPECT_NE(missing.find("exit=2"), std::string::npos) << missing;
}

}  // namespace
}  // namespace vigil::testing
