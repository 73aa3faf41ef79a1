#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "../store/temp_dir.hpp"
#include "support/local_http_server.hpp"
#include "support/local_https_server.hpp"
#include "vigil/intel/http_client.hpp"
#include "vigil/intel/feed_refresh.hpp"
#include "vigil/intel/feed_store.hpp"

namespace vigil::intel {
namespace {

using store::testing::TempDir;
using vigil::testing::LocalHttpServer;
using vigil::testing::LocalHttpsServer;

const std::string kTlsDir = std::string(VIGIL_SOURCE_DIR) + "/tests/data/tls/";

TEST(FeedSpec, Parses) {
    auto s = parse_feed_spec("pt=phishtank:https://host/path?a=b:c");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->name, "pt");
    EXPECT_EQ(s->format, FeedFormat::kPhishTank);
    EXPECT_EQ(s->location, "https://host/path?a=b:c");
    for (const char* bad : {"", "pt", "pt=phishtank", "=plain:/x", "PT=plain:/x", "pt=nope:/x", "pt=plain:",
                            "this-name-is-far-too-long-for-a-source=plain:/x"}) {
        EXPECT_FALSE(parse_feed_spec(bad).ok()) << bad;
    }
    auto list = parse_feed_specs("  a=plain:/x\n b=urlhaus:http://h/ ");
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->size(), 2u);
    EXPECT_FALSE(parse_feed_specs("a=plain:/x a=plain:/y").ok());  // same name twice
}

TEST(FeedRefresh, FromFileIncludingGzip) {
    IntelState state;
    const FeedSpec spec{"pt", FeedFormat::kPhishTank, std::string(VIGIL_SOURCE_DIR) + "/tests/data/intel/phishtank_sample.csv"};
    auto r = refresh_feed(spec, state, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->malformed, 1u);
    EXPECT_EQ(state.snapshot()->size(), 4u);
    const FeedSpec missing{"m", FeedFormat::kPlain, "/nonexistent/feed.txt"};
    EXPECT_FALSE(refresh_feed(missing, state, nullptr).ok());
    bool found = false;
    for (const auto& s : state.stats().sources) {
        if (s.name == "m") {
            found = true;
            EXPECT_FALSE(s.last_refresh.ok);
            EXPECT_FALSE(s.last_refresh.error.empty());
        }
    }
    EXPECT_TRUE(found);
}

TEST(FeedRefresh, FromLocalHttpServerWithErrors) {
    LocalHttpServer http;
    ASSERT_NE(http.port(), 0);
    IntelState state;
    const FeedSpec spec{"web", FeedFormat::kOpenPhish, http.url("/feed.txt")};
    http.set(200, "http://a.example/\nhttp://b.example/x\n");
    auto r = refresh_feed(spec, state, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(state.snapshot()->size(), 2u);
    http.set(503, "busy");
    auto failed = refresh_feed(spec, state, nullptr);
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("503"), std::string::npos) << failed.error().message;
    EXPECT_EQ(state.snapshot()->size(), 2u);  // kept
    const FeedSpec closed{"closed", FeedFormat::kPlain, "http://127.0.0.1:1/feed"};
    EXPECT_FALSE(refresh_feed(closed, state, nullptr).ok());
}

// https: the peer's certificate must chain to a trusted CA and name the host asked for. The test server's
// self-signed certificate is for "localhost" only and is trusted only through HttpClientOptions::ca_file.
TEST(HttpClient, HttpsVerifiesTheCertificateAndTheHostName) {
    LocalHttpsServer https(kTlsDir + "localhost-cert.pem", kTlsDir + "localhost-key.pem", "hello over tls\n");
    ASSERT_NE(https.port(), 0);
    const std::string port = std::to_string(https.port());
    HttpClientOptions trusted;
    trusted.ca_file = kTlsDir + "localhost-cert.pem";
    trusted.timeout = std::chrono::milliseconds(3000);

    auto ok = http_request("GET", "https://localhost:" + port + "/feed.txt", {}, {}, trusted);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->status, 200u);
    EXPECT_EQ(ok->body, "hello over tls\n");
    EXPECT_EQ(https.answered(), 1);

    HttpClientOptions system_only;
    system_only.timeout = trusted.timeout;
    auto untrusted = http_request("GET", "https://localhost:" + port + "/feed.txt", {}, {}, system_only);
    ASSERT_FALSE(untrusted.ok());
    EXPECT_NE(untrusted.error().message.find("TLS handshake"), std::string::npos) << untrusted.error().message;

    auto wrong_name = http_request("GET", "https://127.0.0.1:" + port + "/feed.txt", {}, {}, trusted);
    ASSERT_FALSE(wrong_name.ok());
    EXPECT_NE(wrong_name.error().message.find("TLS handshake"), std::string::npos) << wrong_name.error().message;
    EXPECT_EQ(https.answered(), 1) << "no request may be sent over an unverified connection";

    HttpClientOptions missing = trusted;
    missing.ca_file = kTlsDir + "no-such-ca.pem";
    auto no_ca = http_request("GET", "https://localhost:" + port + "/", {}, {}, missing);
    ASSERT_FALSE(no_ca.ok());
    EXPECT_NE(no_ca.error().message.find("no-such-ca.pem"), std::string::npos) << no_ca.error().message;
}

TEST(FeedRefresh, FromHttpsServerWithItsCa) {
    LocalHttpsServer https(kTlsDir + "localhost-cert.pem", kTlsDir + "localhost-key.pem",
                           "http://a.example/\nhttp://b.example/x\nhttp://c.example/y\n");
    ASSERT_NE(https.port(), 0);
    IntelState state;
    const FeedSpec spec{"tls", FeedFormat::kOpenPhish, "https://localhost:" + std::to_string(https.port()) + "/feed"};
    HttpClientOptions http;
    http.ca_file = kTlsDir + "localhost-cert.pem";
    auto r = refresh_feed(spec, state, nullptr, http);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(state.snapshot()->size(), 3u);
    auto refused = refresh_feed(spec, state, nullptr);  // the system's CAs do not know the test CA
    EXPECT_FALSE(refused.ok());
    EXPECT_EQ(state.snapshot()->size(), 3u);  // kept
}

TEST(FeedRefresher, RefreshesPeriodicallyAndStores) {
    LocalHttpServer http;
    TempDir dir;
    const auto db_path = dir.path() / "v.db";
    IntelState state;
    http.set(200, "http://a.example/\n");
    FeedRefresher refresher({FeedSpec{"web", FeedFormat::kPlain, http.url("/f")}}, state, db_path,
                            std::chrono::seconds(1));
    refresher.start();
    auto wait_for = [&](auto pred) {
        for (int i = 0; i < 300 && !pred(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return pred();
    };
    EXPECT_TRUE(wait_for([&] { return state.snapshot()->size() == 1; }));
    http.set(200, "http://b.example/\nhttp://c.example/\n");
    EXPECT_TRUE(wait_for([&] { return state.snapshot()->size() == 2; }));
    refresher.stop();
    auto db = store::Database::open(db_path);
    ASSERT_TRUE(db.ok());
    auto stored = load_stored_sources(*db);
    ASSERT_TRUE(stored.ok());
    ASSERT_EQ(stored->size(), 1u);
    EXPECT_EQ((*stored)[0].entries.size(), 2u);
}

}  // namespace
}  // namespace vigil::intel
