// vigil pcap as a user runs it: exit codes, error messages, JSON lines and the summary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_server.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

struct Run {
    int status = -1;
    std::string out;  // stdout (and stderr when merged)
};

Run vigil_pcap(const std::string& args, bool merge_stderr = false) {
    const std::string cmd = vigil::testing::vigil_binary().string() + " pcap " + args +
                            (merge_stderr ? " 2>&1" : " 2>/dev/null");
    Run r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    char buf[65536];
    size_t n = 0;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int status = pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::vector<json::object> json_lines(const std::string& out) {
    std::vector<json::object> lines;
    size_t pos = 0;
    while (pos < out.size()) {
        const size_t eol = out.find('\n', pos);
        const std::string line = out.substr(pos, eol - pos);
        pos = eol == std::string::npos ? out.size() : eol + 1;
        if (line.empty()) continue;
        boost::system::error_code ec;
        auto v = json::parse(line, ec);
        EXPECT_FALSE(ec) << line;
        if (!ec && v.is_object()) lines.push_back(v.as_object());
    }
    return lines;
}

fs::path capture(const char* name) {
    const char* env = std::getenv("VIGIL_DATA_DIR");
    const fs::path data = env != nullptr ? fs::path(env) : fs::path(VIGIL_SOURCE_DIR) / ".." / "shared" / "data";
    return data / "traffic" / "pcaps" / name;
}

fs::path packet_model() {
    if (const char* dir = std::getenv("VIGIL_PACKET_MODEL_DIR")) return dir;
    const fs::path packets = fs::path(VIGIL_SOURCE_DIR) / "models" / "traffic-packets";
    return fs::exists(packets) ? packets : fs::path(VIGIL_SOURCE_DIR) / "models" / "traffic";
}

TEST(PcapCli, UsageAndErrors) {
    auto help = vigil_pcap("--help");
    EXPECT_EQ(help.status, 0);
    EXPECT_NE(help.out.find("usage: vigil pcap FILE"), std::string::npos);
    EXPECT_EQ(vigil_pcap("").status, 2);
    auto unknown = vigil_pcap("--frobnicate x.pcap", true);
    EXPECT_EQ(unknown.status, 2);
    EXPECT_NE(unknown.out.find("unknown option '--frobnicate'"), std::string::npos);
    EXPECT_EQ(vigil_pcap("--no-model --attacks-only x.pcap").status, 2);
    auto window = vigil_pcap("--no-model --host-window zero x.pcap", true);
    EXPECT_EQ(window.status, 2);
    EXPECT_NE(window.out.find("--host-window"), std::string::npos);
    for (const char* bad : {"--portscan-ports 0", "--bruteforce-sessions -3", "--bruteforce-window 1e9",
                            "--portscan-window x"}) {
        auto rule = vigil_pcap(std::string("--no-model ") + bad + " x.pcap", true);
        EXPECT_EQ(rule.status, 2) << bad;
        EXPECT_NE(rule.out.find("needs a number from 1 to 86400"), std::string::npos) << bad << ": " << rule.out;
    }
    auto rule_missing = vigil_pcap("--no-model x.pcap --portscan-ports", true);
    EXPECT_EQ(rule_missing.status, 2);
    EXPECT_NE(rule_missing.out.find("--portscan-ports needs a value"), std::string::npos) << rule_missing.out;
    auto missing = vigil_pcap("--no-model /nonexistent/capture.pcap", true);
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.out.find("cannot open /nonexistent/capture.pcap"), std::string::npos) << missing.out;
    auto no_model = vigil_pcap("--model /nonexistent/model x.pcap", true);
    EXPECT_EQ(no_model.status, 2);
    EXPECT_NE(no_model.out.find("cannot load the traffic model"), std::string::npos) << no_model.out;

    const fs::path dir = fs::temp_directory_path() / ("vigil_pcap_cli_" + std::to_string(getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "notes.txt") << "GET / HTTP/1.1\r\n\r\n";
    auto text = vigil_pcap("--no-model " + (dir / "notes.txt").string(), true);
    EXPECT_EQ(text.status, 2);
    EXPECT_NE(text.out.find("not a pcap or pcapng capture"), std::string::npos) << text.out;
    fs::remove_all(dir);
}

TEST(PcapCli, FeaturesOnlyJson) {
    const fs::path file = capture("small_syn_portscan.pcap.gz");
    if (!fs::exists(file)) GTEST_SKIP() << file << " is missing";
    auto r = vigil_pcap("--no-model --json --features --quiet " + file.string());
    ASSERT_EQ(r.status, 0);
    auto lines = json_lines(r.out);
    ASSERT_EQ(lines.size(), 30u);  // 29 connections + the summary
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
        const auto& flow = lines[i];
        EXPECT_EQ(flow.at("event_type").as_string(), "flow");
        EXPECT_EQ(flow.at("src_ip").as_string(), "10.100.25.14");
        EXPECT_EQ(flow.at("dest_ip").as_string(), "10.100.18.12");
        EXPECT_EQ(flow.at("proto").as_string(), "TCP");
        EXPECT_EQ(flow.at("flow").as_object().at("state").as_string(), "S0");
        EXPECT_EQ(flow.at("features").as_object().size(), 41u);
        EXPECT_FALSE(flow.contains("verdict"));
    }
    const auto& summary = lines.back();
    EXPECT_EQ(summary.at("event_type").as_string(), "summary");
    EXPECT_EQ(summary.at("packets").as_int64(), 29);
    EXPECT_EQ(summary.at("connections").as_int64(), 29);
    EXPECT_EQ(summary.at("decode_errors").as_int64(), 0);
    EXPECT_EQ(summary.at("connections_by_state").as_object().at("S0").as_int64(), 29);
}

TEST(PcapCli, VerdictsAndAttacksOnly) {
    const fs::path file = capture("small_syn_portscan.pcap.gz");  // 29 connections: scoring stays cheap
    if (!fs::exists(file)) GTEST_SKIP() << file << " is missing";
    if (!fs::exists(packet_model() / "metadata.json")) GTEST_SKIP() << "no traffic model in the tree";
    auto r = vigil_pcap("--json --quiet --model " + packet_model().string() + " " + file.string());
    ASSERT_EQ(r.status, 0);
    auto lines = json_lines(r.out);
    ASSERT_EQ(lines.size(), 30u);
    int64_t attacks = 0;
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
        const auto& v = lines[i].at("verdict").as_object();
        const double p = v.at("probability").as_double();
        EXPECT_GE(p, 0.0);
        EXPECT_LE(p, 1.0);
        const bool attack = v.at("prediction").as_string() == "attack";
        attacks += attack;
        EXPECT_EQ(v.at("family").as_string() == "normal", !attack);
        EXPECT_FALSE(v.at("reasons").as_array().empty());
        EXPECT_TRUE(v.at("model").as_object().contains("version"));
    }
    EXPECT_EQ(lines.back().at("attacks").as_int64(), attacks);
    EXPECT_GE(attacks, 26);

    auto only = vigil_pcap("--json --quiet --attacks-only --model " + packet_model().string() + " " + file.string());
    ASSERT_EQ(only.status, 0);
    EXPECT_EQ(json_lines(only.out).size(), static_cast<size_t>(attacks) + 1);

    // The port-scan rule: from the 10th port on, Probe with a "rule:portscan" reason first; off with --no-rules,
    // and later with a higher --portscan-ports.
    auto rule_hits = [](const std::vector<boost::json::object>& flows) {
        int hits = 0;
        for (size_t i = 0; i + 1 < flows.size(); ++i) {
            const auto& v = flows[i].at("verdict").as_object();
            const auto& first = v.at("reasons").as_array().at(0).as_object();
            if (first.at("name").as_string() != "rule:portscan") continue;
            ++hits;
            EXPECT_EQ(v.at("family").as_string(), "Probe");
            EXPECT_EQ(v.at("prediction").as_string(), "attack");
        }
        return hits;
    };
    EXPECT_EQ(rule_hits(lines), 20);
    auto no_rules = vigil_pcap("--json --quiet --no-rules --model " + packet_model().string() + " " + file.string());
    ASSERT_EQ(no_rules.status, 0);
    EXPECT_EQ(rule_hits(json_lines(no_rules.out)), 0);
    auto later = vigil_pcap("--json --quiet --portscan-ports 25 --model " + packet_model().string() + " " +
                            file.string());
    ASSERT_EQ(later.status, 0);
    EXPECT_EQ(rule_hits(json_lines(later.out)), 5);

    auto text = vigil_pcap("--quiet --model " + packet_model().string() + " " + file.string());
    ASSERT_EQ(text.status, 0);
    EXPECT_NE(text.out.find("10.100.25.14:"), std::string::npos);
    EXPECT_NE(text.out.find("summary: 29 packets, 0 decode errors, 29 connections"), std::string::npos);
}

TEST(PcapCli, CorruptCaptureReportsWhatWasRead) {
    const fs::path file = capture("small_syn_portscan.pcap.gz");
    if (!fs::exists(file)) GTEST_SKIP() << file << " is missing";
    const fs::path dir = fs::temp_directory_path() / ("vigil_pcap_cut_" + std::to_string(getpid()));
    fs::create_directories(dir);
    const std::string plain = (dir / "cut.pcap").string();
    ASSERT_EQ(std::system(("zcat " + file.string() + " | head -c 1000 > " + plain).c_str()), 0);
    auto r = vigil_pcap("--no-model --json --quiet " + plain, true);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("after "), std::string::npos) << r.out;
    fs::remove_all(dir);
}

}  // namespace
