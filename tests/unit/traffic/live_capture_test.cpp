// Real traffic on loopback: a SYN scan (nmap) beside ordinary HTTP (curl against python3's
// http.server), captured at the same time by LiveCapture and by tcpdump into a file that is then read
// with `analyze_capture`. Both must show the scan as a scan and the HTTP as ordinary connections, and
// with the packet model in the build, the scan is flagged and the HTTP is not.
// Skips (with the reason) when not root or when nmap, tcpdump, curl or python3 are missing.
#include <fstream>
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vigil/traffic/capture_analysis.hpp"
#include "vigil/traffic/live_capture.hpp"
#include "vigil/traffic/live_monitor.hpp"
#include "packet_model_for_tests.hpp"
#include "../../capture_permission.hpp"

extern char** environ;

namespace vigil::traffic {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Addresses of their own, so other tests' loopback traffic stays out of the filter.
constexpr const char* kHttpHost = "127.0.0.62";
constexpr const char* kScanHost = "127.0.0.63";

bool on_path(const std::string& tool) {
    for (const char* dir : {"/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin"}) {
        if (fs::exists(fs::path(dir) / tool)) return true;
    }
    return false;
}

// A child process, killed (SIGINT, then SIGKILL) and reaped on destruction.
class Child {
public:
    explicit Child(const std::vector<std::string>& argv, bool quiet = true) {
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        if (quiet) {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        }
        if (posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
    }
    ~Child() { stop(); }
    bool ok() const { return pid_ > 0; }
    int wait() {
        if (pid_ <= 0) return -1;
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    void stop() {
        if (pid_ <= 0) return;
        kill(pid_, SIGINT);
        for (int i = 0; i < 50; ++i) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return;
            }
            std::this_thread::sleep_for(20ms);
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
};

int run(const std::vector<std::string>& argv) { return Child(argv).wait(); }

// Port 80 when it is free (the connections are then "http", as ordinary web traffic is in NSL-KDD),
// else any free port.
uint16_t http_port_for(const char* host) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // as http.server does (TIME_WAIT is fine)
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(80);
    inet_pton(AF_INET, host, &addr.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        addr.sin_port = 0;
        bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

bool can_connect(const char* host, uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, host, &addr.sin_addr);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

struct Observed {
    size_t scan = 0;           // connections to the scanned host
    size_t scan_rej = 0;
    size_t scan_strong = 0;    // with rerror_rate >= 0.8 and count >= 50, as NSL-KDD's probes
    size_t scan_flagged = 0;
    size_t scan_scored = 0;
    size_t http = 0;
    size_t http_sf = 0;
    size_t http_with_bytes = 0;
    size_t http_flagged = 0;

    int64_t since_us = 0;  // connections that started earlier (readiness probes) are not counted

    void add(const ScoredConnection& s, uint16_t http_port) {
        const auto& c = s.flow.connection;
        if (c.first_us < since_us) return;
        const std::string resp = c.resp.to_string();
        const bool flagged = s.verdict != nullptr && s.verdict->attack;
        if (resp == kScanHost && c.protocol == ip_proto::kTcp) {
            ++scan;
            scan_rej += s.flow.flag == "REJ";
            scan_strong += s.flow.record.values[26].number >= 0.8 && s.flow.record.values[22].number >= 50;
            scan_flagged += flagged;
            scan_scored += s.verdict != nullptr;
        } else if (resp == kHttpHost && c.resp_port == http_port) {
            ++http;
            http_sf += s.flow.flag == "SF";
            http_with_bytes += c.orig_bytes > 0 && c.resp_bytes > 0;
            http_flagged += flagged;
        }
    }
};

using test_support::packet_model;

void expect_scan_and_http(const Observed& o, const char* where) {
    SCOPED_TRACE(where);
    EXPECT_GE(o.scan, 950u);
    EXPECT_GE(static_cast<double>(o.scan_rej), 0.95 * static_cast<double>(o.scan));
    EXPECT_GE(static_cast<double>(o.scan_strong), 0.9 * static_cast<double>(o.scan));
    EXPECT_EQ(o.http, 5u);
    EXPECT_EQ(o.http_sf, o.http);
    EXPECT_EQ(o.http_with_bytes, o.http);
    if (packet_model() != nullptr) {
        EXPECT_GE(o.scan_scored, 90u);
        EXPECT_GE(static_cast<double>(o.scan_flagged), 0.9 * static_cast<double>(o.scan_scored));
        EXPECT_LE(o.http_flagged, 1u);
    }
}



TEST(LiveCaptureLoopback, ScanIsAScanAndHttpIsNot) {
    if (!vigil::testing::can_capture_packets()) GTEST_SKIP() << "live capture needs root with CAP_NET_RAW";
    for (const char* tool : {"nmap", "tcpdump", "curl", "python3"}) {
        if (!on_path(tool)) GTEST_SKIP() << tool << " is not installed";
    }
    const std::string filter = std::string("host ") + kHttpHost + " or host " + kScanHost;
    const uint16_t http_port = http_port_for(kHttpHost);
    const fs::path dump = fs::temp_directory_path() / ("vigil_live_" + std::to_string(getpid()) + ".pcap");

    // The server is up before the captures start, so its readiness probes stay out of them.
    Child server({"python3", "-m", "http.server", std::to_string(http_port), "--bind", kHttpHost});
    ASSERT_TRUE(server.ok());
    for (int i = 0; i < 100 && !can_connect(kHttpHost, http_port); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(can_connect(kHttpHost, http_port)) << "http.server did not start";
    std::this_thread::sleep_for(100ms);

    std::mutex mutex;
    Observed live;
    LiveCaptureOptions options;
    options.interface = "lo";
    options.bpf_filter = filter;
    size_t scan_seen = 0;
    auto capture = LiveCapture::open(options, [&](const FinishedConnection& flow) {
        const TrafficModel* model = packet_model();
        Result<TrafficVerdict> verdict = make_error(ErrorCode::kInternal, "no model");
        // Every HTTP connection and every 10th scan connection is scored (scoring with explanations is
        // the slow part, under ASan especially); the shares below are over the scored ones.
        const bool scan_flow = flow.connection.resp.to_string() == kScanHost;
        if (model != nullptr && (!scan_flow || scan_seen++ % 10 == 0)) verdict = model->score(flow.record);
        std::lock_guard lock(mutex);
        live.add(ScoredConnection{flow, verdict.ok() ? &verdict.value() : nullptr, nullptr}, http_port);
    });
    ASSERT_TRUE(capture.ok()) << capture.error().message;
    (*capture)->start();

    Child tcpdump({"tcpdump", "-i", "lo", "--immediate-mode", "-U", "-n", "-s", "256", "-w", dump.string(), filter});
    ASSERT_TRUE(tcpdump.ok());
    std::this_thread::sleep_for(300ms);  // tcpdump is listening by now
    const int64_t since_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    {
        std::lock_guard lock(mutex);
        live.since_us = since_us;
    }
    const auto started = std::chrono::steady_clock::now();
    const std::string url = std::string("http://") + kHttpHost + ":" + std::to_string(http_port) + "/";
    RecordProperty("http_port", http_port);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(run({"curl", "-s", "-o", "/dev/null", url}), 0);
    ASSERT_EQ(run({"nmap", "-sS", "-n", "-Pn", "-T5", "--max-retries", "0", "-p", "1-1000", kScanHost}), 0);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(run({"curl", "-s", "-o", "/dev/null", url}), 0);
    std::this_thread::sleep_for(500ms);  // both capture buffers hand over their last packets
    tcpdump.stop();
    (*capture)->stop();
    const auto stats = (*capture)->stats();
    EXPECT_EQ(stats.kernel_drops, 0u);
    EXPECT_GT(stats.packets, 2000u);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);
    {
        std::lock_guard lock(mutex);
        expect_scan_and_http(live, "live capture");
    }

    auto file = PcapFile::open(dump);
    ASSERT_TRUE(file.ok()) << file.error().message;
    Observed offline;
    offline.since_us = since_us;
    size_t offline_scan_seen = 0;
    CaptureAnalysisOptions analysis;
    analysis.on_connection = [&](const ScoredConnection& s) {
        const TrafficModel* model = packet_model();
        const bool scan_flow = s.flow.connection.resp.to_string() == kScanHost;
        if (model == nullptr || (scan_flow && offline_scan_seen++ % 10 != 0)) {
            offline.add(ScoredConnection{s.flow, nullptr, nullptr}, http_port);
            return;
        }
        auto verdict = model->score(s.flow.record);
        offline.add(ScoredConnection{s.flow, verdict.ok() ? &verdict.value() : nullptr, nullptr}, http_port);
    };
    auto summary = analyze_capture(*file, analysis);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    expect_scan_and_http(offline, "tcpdump file");

    // As `vigil pcap` gives it (model and rules on every connection): the scan is a Probe (the port-scan
    // rule) and the HTTP connections stay clean.
    if (const TrafficModel* model = packet_model(); model != nullptr) {
        auto again = PcapFile::open(dump);
        ASSERT_TRUE(again.ok()) << again.error().message;
        size_t scan_flagged = 0;
        size_t scan_probe = 0;
        size_t http_flagged = 0;
        CaptureAnalysisOptions with_rules;
        with_rules.model = model;
        with_rules.on_connection = [&](const ScoredConnection& s) {
            const auto& c = s.flow.connection;
            if (c.first_us < since_us || s.verdict == nullptr || !s.verdict->attack) return;
            if (c.resp.to_string() == kScanHost) {
                ++scan_flagged;
                scan_probe += s.verdict->family == "Probe";
            } else if (c.resp.to_string() == kHttpHost && c.resp_port == http_port) {
                ++http_flagged;
            }
        };
        ASSERT_TRUE(analyze_capture(*again, with_rules).ok());
        EXPECT_GE(scan_flagged, 950u);
        EXPECT_GE(static_cast<double>(scan_probe), 0.95 * static_cast<double>(scan_flagged));
        EXPECT_EQ(http_flagged, 0u);
    }
    if (HasFailure()) {
        std::cerr << "capture kept for inspection: " << dump << " (HTTP on port " << http_port << ")\n";
    } else {
        fs::remove(dump);
    }
}

TEST(LiveCaptureErrors, UnknownInterfaceAndBadFilter) {
    LiveCaptureOptions options;
    options.interface = "no-such-interface0";
    auto missing = LiveCapture::open(options, [](const FinishedConnection&) {});
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().message.find("no-such-interface0"), std::string::npos);
    if (geteuid() != 0) return;
    options.interface = "lo";
    options.bpf_filter = "this is not bpf";
    auto bad = LiveCapture::open(options, [](const FinishedConnection&) {});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace vigil::traffic

namespace vigil::traffic {
namespace {

// The monitor that `vigil serve --capture` runs: connections are counted and kept as recent ones.
TEST(LiveTrafficMonitorLoopback, KeepsRecentConnections) {
    if (!vigil::testing::can_capture_packets()) GTEST_SKIP() << "live capture needs root with CAP_NET_RAW";
    constexpr const char* kHost = "127.0.0.64";
    LiveCaptureOptions options;
    options.interface = "lo";
    options.bpf_filter = std::string("host ") + kHost;
    auto monitor = LiveTrafficMonitor::start(options, nullptr, {}, 3);
    ASSERT_TRUE(monitor.ok()) << monitor.error().message;
    std::this_thread::sleep_for(200ms);
    for (uint16_t port = 1; port <= 5; ++port) EXPECT_FALSE(can_connect(kHost, port));  // refused: REJ
    std::this_thread::sleep_for(300ms);
    (*monitor)->stop();
    const auto stats = (*monitor)->stats();
    EXPECT_EQ(stats.capture.connections, 5u);
    EXPECT_EQ(stats.scored, 0u);
    const auto recent = (*monitor)->recent();
    ASSERT_EQ(recent.size(), 3u);  // the ring keeps the last 3
    for (const auto& r : recent) {
        EXPECT_EQ(r.dest_ip, kHost);
        EXPECT_EQ(r.state, "REJ");
        EXPECT_EQ(r.proto, "tcp");
        EXPECT_FALSE(r.scored);
    }
    EXPECT_EQ(recent.back().dest_port, 5);
}

}  // namespace
}  // namespace vigil::traffic
