// vigil serve --capture lo: a real SYN scan (nmap) on loopback is scored by the traffic model inside the
// server, logged as attacks on stderr and counted in /metrics. Skips when not root or nmap is missing.
#include <fstream>
#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "test_server.hpp"
#include "../capture_permission.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kScanHost = "127.0.0.66";

// The value of a Prometheus sample line "name{labels} value" (sums every label set), -1 when absent.
double metric(const std::string& text, const std::string& name) {
    double total = -1;
    size_t pos = 0;
    while ((pos = text.find(name, pos)) != std::string::npos) {
        const bool line_start = pos == 0 || text[pos - 1] == '\n';
        const size_t eol = text.find('\n', pos);
        const std::string line = text.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
        pos += name.size();
        if (!line_start) continue;
        const char next = line.size() > name.size() ? line[name.size()] : '\0';
        if (next != ' ' && next != '{') continue;
        const size_t space = line.rfind(' ');
        total = (total < 0 ? 0 : total) + std::atof(line.c_str() + space + 1);
    }
    return total;
}

fs::path traffic_model_dir() {
    if (const char* dir = std::getenv("VIGIL_PACKET_MODEL_DIR")) return dir;
    const fs::path packets = fs::path(VIGIL_SOURCE_DIR) / "models" / "traffic-packets";
    return fs::exists(packets) ? packets : fs::path(VIGIL_SOURCE_DIR) / "models" / "traffic";
}



TEST(ServeCapture, ScanOnLoopbackIsScoredAndCounted) {
    if (!vigil::testing::can_capture_packets()) GTEST_SKIP() << "live capture needs root with CAP_NET_RAW";
    if (!fs::exists("/usr/bin/nmap")) GTEST_SKIP() << "nmap is not installed";
    if (!fs::exists(traffic_model_dir() / "metadata.json")) GTEST_SKIP() << "no traffic model in the tree";
    vigil::testing::TestServer server({"--capture", "lo", "--capture-filter", std::string("host ") + kScanHost,
                                       "--capture-model", traffic_model_dir().string()});
    ASSERT_TRUE(server.running()) << server.output();
    std::this_thread::sleep_for(300ms);
    const std::string scan = std::string("nmap -sS -n -Pn -T5 --max-retries 0 -p 1-300 ") + kScanHost +
                             " > /dev/null 2>&1";
    ASSERT_EQ(std::system(scan.c_str()), 0);
    // Refused connections leave the flow table 1 s after their RST; the sweep runs at least every 100 ms.
    double connections = 0;
    std::string body;
    for (int i = 0; i < 50 && connections < 300; ++i) {
        std::this_thread::sleep_for(100ms);
        auto r = server.get("/metrics");
        ASSERT_EQ(r.status, 200);
        body = r.body;
        connections = metric(body, "vigil_capture_connections_total");
    }
    EXPECT_GE(connections, 300) << body;
    EXPECT_GE(metric(body, "vigil_capture_packets_total"), 600);
    EXPECT_EQ(metric(body, "vigil_capture_decode_errors_total"), 0);
    EXPECT_GE(metric(body, "vigil_capture_attacks_total"), 0.9 * 300) << body;

    // The traffic service saw them: a "live" job in the monitor, and alerts from "live:lo".
    auto monitor = server.get("/api/v1/monitor/traffic");
    ASSERT_EQ(monitor.status, 200);
    const boost::json::value monitor_doc = boost::json::parse(monitor.body);
    const auto& doc = monitor_doc.as_object();
    bool job_found = false;
    for (const auto& j : doc.at("jobs").as_array()) {
        const auto& job = j.as_object();
        if (job.at("kind").as_string() != "live" || job.at("name").as_string() != "lo") continue;
        job_found = true;
        EXPECT_EQ(job.at("state").as_string(), "running");
        EXPECT_GE(job.at("flows").as_int64(), 300);
        EXPECT_GT(job.at("packets").as_int64(), 0);
        EXPECT_GE(job.at("attacks").as_int64(), 270);
    }
    EXPECT_TRUE(job_found) << monitor.body.substr(0, 2000);
    ASSERT_FALSE(doc.at("recent_verdicts").as_array().empty());
    EXPECT_EQ(doc.at("recent_verdicts").as_array()[0].as_object().at("source").as_string(), "live:lo");
    bool alert_found = false;
    for (int i = 0; i < 50 && !alert_found; ++i) {
        auto alerts = server.get("/api/v1/alerts");
        ASSERT_EQ(alerts.status, 200);
        const boost::json::value list = boost::json::parse(alerts.body);  // keeps the array alive
        for (const auto& a : list.as_object().at("alerts").as_array()) {
            alert_found = alert_found || a.as_object().at("source").as_string() == "live:lo";
        }
        if (!alert_found) std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(alert_found) << "no alert from live:lo in /api/v1/alerts";
    EXPECT_EQ(server.terminate(), 0);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(server.db_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM traffic_records WHERE source = 'live:lo' AND "
                                     "src_addr IS NOT NULL", -1, &st, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    EXPECT_GE(sqlite3_column_int64(st, 0), 300);  // every scored connection was stored
    sqlite3_finalize(st);
    sqlite3_close(db);
    // Every attack is one EVE-like JSON line on stderr.
    const std::string out = server.output();
    EXPECT_NE(out.find("vigil: capturing on lo"), std::string::npos) << out.substr(0, 2000);
    EXPECT_NE(out.find("\"event_type\":\"flow\""), std::string::npos);
    EXPECT_NE(out.find("\"prediction\":\"attack\""), std::string::npos);
    EXPECT_NE(out.find("\"name\":\"rule:portscan\""), std::string::npos) << "the port-scan rule runs on live traffic";
}

TEST(ServeCapture, BadInterfaceIsAStartError) {
    if (!fs::exists(traffic_model_dir() / "metadata.json")) GTEST_SKIP() << "no traffic model in the tree";
    vigil::testing::TestServer server({"--capture", "no-such-interface0", "--capture-model",
                                       traffic_model_dir().string()});
    EXPECT_FALSE(server.running());
    EXPECT_NE(server.output().find("no-such-interface0"), std::string::npos) << server.output();
}

TEST(ServeCapture, BadRulesSettingIsAStartError) {
    if (!fs::exists(traffic_model_dir() / "metadata.json")) GTEST_SKIP() << "no traffic model in the tree";
    vigil::testing::TestServer server({"--capture", "lo", "--capture-rules", "maybe", "--capture-model",
                                       traffic_model_dir().string()});
    EXPECT_FALSE(server.running());
    EXPECT_NE(server.output().find("--capture-rules needs on or off"), std::string::npos) << server.output();
}

}  // namespace
