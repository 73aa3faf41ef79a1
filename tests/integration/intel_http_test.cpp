// Integration tests for threat intel: `vigil intel import` then `vigil serve`, feeds refreshed from a local
// HTTP server, the hash-prefix routes over HTTP, and the `vigil lookup` client against the real server.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "../unit/store/temp_dir.hpp"
#include "support/local_http_server.hpp"
#include "support/local_https_server.hpp"
#include "test_server.hpp"

namespace vigil::testing {
namespace {

namespace json = boost::json;
using store::testing::TempDir;

struct ProcessRun {
    int status = -1;
    std::string out;
};

// Runs the vigil binary with arguments (quoted for the shell); stdout captured, stderr to a file.
ProcessRun run_vigil(const std::vector<std::string>& args, const std::filesystem::path& err_file = "/dev/null") {
    // Appended piece by piece: GCC 12 reports a false -Wrestrict for "'" + std::string temporaries.
    std::string cmd = "'";
    cmd += vigil_binary().string();
    cmd += '\'';
    for (const auto& a : args) {
        cmd += " '";
        cmd += a;
        cmd += '\'';
    }
    cmd += " 2>'";
    cmd += err_file.string();
    cmd += '\'';
    ProcessRun r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string fixture(const std::string& name) { return std::string(VIGIL_SOURCE_DIR) + "/tests/data/intel/" + name; }

json::object object_of(const std::string& body) {
    json::error_code ec;
    auto v = json::parse(body, ec);
    EXPECT_FALSE(ec) << body;
    return !ec && v.is_object() ? v.as_object() : json::object();
}

std::vector<std::string> rule_reasons(const json::object& verdict) {
    std::vector<std::string> out;
    if (!verdict.contains("reasons")) return out;
    for (const auto& r : verdict.at("reasons").as_array()) {
        if (r.at("kind").as_string() == "rule") out.emplace_back(r.at("name").as_string());
    }
    return out;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::milliseconds(8000)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
}

TEST(IntelImport, ImportedFeedIsLoadedByServe) {
    TempDir dir;
    const std::string db = (dir.path() / "v.db").string();
    ProcessRun bad = run_vigil({"intel", "import", fixture("phishtank_sample.csv"), "--format", "nope", "--db", db});
    EXPECT_EQ(bad.status, 2);
    ProcessRun missing = run_vigil({"intel", "import", "/nonexistent/feed.csv", "--format", "plain", "--db", db});
    EXPECT_EQ(missing.status, 1);
    ProcessRun help = run_vigil({"intel", "import", "--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_NE(help.out.find("--format"), std::string::npos);

    ProcessRun ok = run_vigil({"intel", "import", fixture("phishtank_sample.csv"), "--format", "phishtank", "--db", db, "--quiet"});
    ASSERT_EQ(ok.status, 0) << ok.out;
    EXPECT_NE(ok.out.find("4 entries"), std::string::npos) << ok.out;
    EXPECT_NE(ok.out.find("1 malformed"), std::string::npos) << ok.out;
    ProcessRun uh = run_vigil({"intel", "import", fixture("urlhaus_sample.csv"), "--format", "urlhaus", "--db", db, "--quiet"});
    ASSERT_EQ(uh.status, 0) << uh.out;

    TestServer server({"--db", db});
    ASSERT_TRUE(server.running()) << server.output();
    auto r = server.post_json("/api/v1/check", R"({"url":"http://evil.example/login/x.php?session=1"})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = object_of(r.body);
    EXPECT_EQ(v.at("verdict").as_string(), "phishing");
    EXPECT_EQ(rule_reasons(v), std::vector<std::string>{"feed:phishtank"});
    auto m = object_of(server.post_json("/api/v1/check", R"({"url":"http://malware.example/bin.exe"})").body);
    EXPECT_EQ(rule_reasons(m), std::vector<std::string>{"feed:urlhaus"});

    auto stats = object_of(server.get("/api/v1/intel/stats").body);
    EXPECT_EQ(stats.at("entries").as_int64(), 6);
    EXPECT_EQ(stats.at("sources").as_array().size(), 2u);
    EXPECT_EQ(stats.at("index").at("full_hashes").as_int64(), 6);
}

TEST(IntelFeeds, HttpFeedIsRefreshedAndDroppedEntriesDisappear) {
    LocalHttpServer feed;
    ASSERT_NE(feed.port(), 0);
    feed.set(200, "http://fresh-phish.example/account/\nhttp://other.example/x\n");
    TempDir dir;
    const auto deny = dir.path() / "deny.txt";
    std::ofstream(deny) << "# local deny list\ndenied.example\n";
    TestServer server({"--feed", "web=openphish:" + feed.url("/feed.txt"), "--feed-refresh-s", "1", "--deny-list",
                       deny.string()});
    ASSERT_TRUE(server.running()) << server.output();
    const std::string body = R"({"url":"http://fresh-phish.example/account/verify"})";
    auto verdict = [&] { return object_of(server.post_json("/api/v1/check", body).body); };
    const auto has_feed_reason = [&] { return rule_reasons(verdict()) == std::vector<std::string>{"feed:web"}; };
    ASSERT_TRUE(eventually(has_feed_reason)) << server.output();
    EXPECT_EQ(verdict().at("verdict").as_string(), "phishing");
    EXPECT_TRUE(verdict().at("cached").as_bool());

    feed.set(200, "http://other.example/x\n");  // the feed drops it
    EXPECT_TRUE(eventually([&] { return !has_feed_reason(); }));
    auto stats = object_of(server.get("/api/v1/intel/stats").body);
    const auto& src = stats.at("sources").as_array().at(0).as_object();
    EXPECT_EQ(src.at("name").as_string(), "web");
    EXPECT_EQ(src.at("entries").as_int64(), 1);
    EXPECT_EQ(src.at("last_refresh").at("status").as_string(), "ok");

    feed.set(500, "oops");
    EXPECT_TRUE(eventually([&] {
        auto s = object_of(server.get("/api/v1/intel/stats").body);
        return s.at("sources").as_array().at(0).at("last_refresh").at("status").as_string() == "error";
    }));
    EXPECT_EQ(object_of(server.get("/api/v1/intel/stats").body).at("entries").as_int64(), 1);  // kept

    auto denied = object_of(server.post_json("/api/v1/check", R"({"url":"https://www.denied.example/"})").body);
    EXPECT_EQ(denied.at("verdict").as_string(), "phishing");
    EXPECT_EQ(rule_reasons(denied), std::vector<std::string>{"deny-list"});
    EXPECT_EQ(server.terminate(), 0);
}

// An https feed whose server has its own CA: refused with the system's CAs alone, loaded once the server is
// given that CA with --feed-ca-file.
TEST(IntelFeeds, HttpsFeedNeedsItsCa) {
    const std::string tls = std::string(VIGIL_SOURCE_DIR) + "/tests/data/tls/";
    LocalHttpsServer feed(tls + "localhost-cert.pem", tls + "localhost-key.pem", "http://tls-phish.example/login\n");
    ASSERT_NE(feed.port(), 0);
    const std::string spec = "tls=openphish:https://localhost:" + std::to_string(feed.port()) + "/feed.txt";
    const auto source_status = [](TestServer& server) -> std::string {
        auto stats = object_of(server.get("/api/v1/intel/stats").body);
        const auto& sources = stats.at("sources").as_array();
        if (sources.empty()) return "";
        return std::string(sources.at(0).at("last_refresh").at("status").as_string());
    };
    {
        TestServer server({"--feed", spec, "--feed-refresh-s", "1"});
        ASSERT_TRUE(server.running()) << server.output();
        EXPECT_TRUE(eventually([&] { return source_status(server) == "error"; })) << server.output();
        EXPECT_GE(feed.failed_handshakes(), 1);
        EXPECT_EQ(feed.answered(), 0);
        EXPECT_EQ(server.terminate(), 0);
    }
    TestServer server({"--feed", spec, "--feed-refresh-s", "1", "--feed-ca-file", tls + "localhost-cert.pem"});
    ASSERT_TRUE(server.running()) << server.output();
    const std::string body = R"({"url":"http://tls-phish.example/login"})";
    EXPECT_TRUE(eventually([&] {
        return rule_reasons(object_of(server.post_json("/api/v1/check", body).body)) ==
               std::vector<std::string>{"feed:tls"};
    })) << server.output();
    EXPECT_EQ(source_status(server), "ok");
    EXPECT_EQ(server.terminate(), 0);
}

TEST(IntelFeeds, BadFeedFlagsAreRefused) {
    TempDir dir;
    const auto err = dir.path() / "err.txt";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"--feed", "nonsense"}, {"--feed", "x=nope:/tmp/f"}, {"--deny-list", "/nonexistent/deny.txt"}};
    for (const auto& [flag, value] : cases) {
        ProcessRun r = run_vigil({"serve", "--listen", "127.0.0.1:0", "--db", (dir.path() / "v.db").string(), flag, value},
                                 err);
        EXPECT_EQ(r.status, 2) << value;
        std::ifstream e(err);
        std::string log((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
        EXPECT_NE(log.find(value.substr(0, 8)), std::string::npos) << log;
    }
}

class HashApiTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir();
        const std::string db = (dir_->path() / "v.db").string();
        ProcessRun ok = run_vigil({"intel", "import", fixture("phishtank_sample.json"), "--format", "phishtank", "--db", db,
                            "--quiet"});
        ASSERT_EQ(ok.status, 0);
        server_ = new TestServer({"--db", db});
    }
    static void TearDownTestSuite() {
        delete server_;
        delete dir_;
    }
    void SetUp() override { ASSERT_TRUE(server_->running()) << server_->output(); }
    static TestServer* server_;
    static TempDir* dir_;
};
TestServer* HashApiTest::server_ = nullptr;
TempDir* HashApiTest::dir_ = nullptr;

TEST_F(HashApiTest, ErrorsOverHttp) {
    HttpConnection c(server_->port());
    EXPECT_EQ(c.request("POST", "/api/v1/hashes/find", R"({"prefixes":["00000000"]})", "text/plain").status, 415);
    EXPECT_EQ(c.request("POST", "/api/v1/hashes/find", "{not json").status, 400);
    EXPECT_EQ(c.request("POST", "/api/v1/hashes/find", std::string("{\"prefixes\":[\"\xff\xfe\"]}")).status, 400);
    EXPECT_EQ(c.request("GET", "/api/v1/hashes/list?state=%00%01").status, 400);
    EXPECT_EQ(c.request("POST", "/api/v1/hashes/list", "{}").status, 405);
    EXPECT_EQ(c.request("GET", "/api/v1/hashes/list?state=1-0000000000000000").status, 200);
    auto list = c.request("GET", "/api/v1/hashes/list");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(object_of(list.body).at("additions").at("count").as_int64(), 2);
}

TEST_F(HashApiTest, LookupClientEndToEnd) {
    TempDir dir;
    const auto state = dir.path() / "prefixes.state";
    const auto err = dir.path() / "err.txt";
    const std::string server = "http://127.0.0.1:" + std::to_string(server_->port());
    ProcessRun r = run_vigil({"lookup", "http://evil.example/login/x.php?session=1", "https://clean.example/page", "--server",
                       server, "--state", state.string()},
                      err);
    ASSERT_EQ(r.status, 3) << r.out;  // 3: a URL is listed
    std::istringstream lines(r.out);
    std::string first, second;
    std::getline(lines, first);
    std::getline(lines, second);
    auto listed = object_of(first);
    EXPECT_EQ(listed.at("verdict").as_string(), "listed");
    EXPECT_EQ(listed.at("matched_expression").as_string(), "evil.example/login/");
    EXPECT_EQ(listed.at("sources").as_array().at(0).as_string(), "phishtank");
    EXPECT_TRUE(listed.at("asked_server").as_bool());
    auto clean = object_of(second);
    EXPECT_EQ(clean.at("verdict").as_string(), "not-listed");
    EXPECT_FALSE(clean.at("asked_server").as_bool());  // no local prefix hit: the server learned nothing
    ASSERT_TRUE(std::filesystem::exists(state));

    // Second run: the state file makes it a diff with no change.
    ProcessRun again = run_vigil({"lookup", "https://clean.example/", "--server", server, "--state", state.string()}, err);
    EXPECT_EQ(again.status, 0);
    std::ifstream e(err);
    std::string log((std::istreambuf_iterator<char>(e)), std::istreambuf_iterator<char>());
    EXPECT_NE(log.find("diff +0 -0"), std::string::npos) << log;

    EXPECT_EQ(run_vigil({"lookup", "http://x.example/"}).status, 2);  // no --server
    EXPECT_EQ(run_vigil({"lookup", "http://x.example/", "--server", "http://127.0.0.1:1"}).status, 1);
}

}  // namespace
}  // namespace vigil::testing
