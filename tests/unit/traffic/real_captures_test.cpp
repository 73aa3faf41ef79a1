// The 14 public captures in ../shared/data/traffic/pcaps (see its MANIFEST.md): every one parses, and
// the connections and features say what the manifest says each capture contains. With the packet
// model in the build (models/traffic-packets), the attacks are flagged and the benign ones mostly not.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <map>
#include <vector>
#include <memory>
#include <string>

#include "vigil/core/data_dir.hpp"
#include "vigil/traffic/capture_analysis.hpp"
#include "packet_model_for_tests.hpp"

namespace vigil::traffic {
namespace {

namespace fs = std::filesystem;

struct Expectation {
    const char* file;
    bool attack;
    size_t min_connections;
    size_t max_connections;
    const char* dominant_flag;   // most connections end in this state ("" = no expectation)
    double min_flag_share;
    double min_attack_share;     // with a model: at least this share of connections flagged
    double max_attack_share;     // ... and at most this share
    const char* family;          // with a model: the family of most flagged connections ("" = any)
};

// Counts from tcpdump/tshark reading of each capture (MANIFEST.md) and from the TCP state rules. The
// verdicts are the packet model's at its threshold (F1 rule on validation) plus the brute-force and
// port-scan rules (connection_rules.hpp), as `vigil pcap` gives them; docs/models.md has the figures.
const Expectation kCaptures[] = {
    {"syn_flood.pcap.gz", true, 5800, 6000, "S0", 0.85, 0.95, 1.0, "DoS"},
    {"random_syn_packets.pcap.gz", true, 100, 100, "S0", 1.0, 0.95, 1.0, "DoS"},
    {"syn_scan_1000ports_chrissanders.pcapng.gz", true, 1990, 2011, "S0", 0.95, 0.95, 1.0, "Probe"},
    {"nmap_syn_scan_evilfingers.pcap.gz", true, 1000, 1010, "REJ", 0.95, 0.95, 1.0, "Probe"},
    {"nmap_udp_scan_evilfingers.pcap.gz", true, 1029, 1040, "SF", 0.99, 0.95, 1.0, "Probe"},
    {"nmap_xmas_scan_evilfingers.pcap.gz", true, 1000, 1000, "RSTR", 1.0, 0.95, 1.0, "Probe"},
    // 29 ports: the port-scan rule needs 10 before it calls them Probe; the model flags them all.
    {"small_syn_portscan.pcap.gz", true, 29, 29, "S0", 1.0, 0.95, 1.0, "Probe"},
    // R2L: the model alone sees little without the content features; the brute-force rule sees the run.
    {"ftp_bruteforce.pcap.gz", true, 1400, 1420, "SF", 0.95, 0.9, 1.0, "R2L"},
    // A payload attack over three ordinary HTTP connections: invisible to connection features; the
    // payload rule reads the injected requests (payload_signatures.hpp).
    {"http_dvwa_sqlinjection.pcapng.gz", true, 1, 5, "SF", 0.6, 0.95, 1.0, "R2L"},
    // Benign. no_flood_baseline: ten refused connections to port 8080 within seconds and sessions seen
    // only as keep-alive probes still look like DoS/probes to the model (docs/models.md).
    {"no_flood_baseline.pcap.gz", false, 20, 40, "", 0.0, 0.0, 0.45, ""},
    {"http_google_benign.pcapng.gz", false, 1, 2, "", 0.0, 0.0, 0.0, ""},
    {"http_browsing_wireshark_org.pcapng.gz", false, 5, 12, "", 0.0, 0.0, 0.15, ""},
    {"http_download_benign.pcap.gz", false, 2, 4, "", 0.0, 0.0, 0.0, ""},
    // One 40 s telnet session: without the content features NSL-KDD's telnet attacks (U2R/R2L) and a
    // normal telnet session look alike; the model flags it (no expectation either way).
    {"telnet_session_benign.pcap.gz", false, 1, 1, "SF", 1.0, 0.0, 1.0, ""},
};

fs::path captures_dir() { return data_dir(VIGIL_SOURCE_DIR) / "traffic" / "pcaps"; }

using test_support::packet_model;

class RealCapture : public ::testing::TestWithParam<Expectation> {};

TEST_P(RealCapture, ParsesAndShowsWhatItContains) {
    const Expectation& e = GetParam();
    const fs::path path = captures_dir() / e.file;
    if (!fs::exists(path)) GTEST_SKIP() << path << " is missing (set VIGIL_DATA_DIR)";
    auto file = PcapFile::open(path);
    ASSERT_TRUE(file.ok()) << file.error().message;
    std::map<std::string, size_t> flags;
    const TrafficModel* model = packet_model();
    CaptureAnalysisOptions options;
    options.model = model;  // every connection is scored: the rules need them all, in order
    options.on_connection = [&](const ScoredConnection& s) {
        ++flags[std::string(s.flow.flag)];
        if (model != nullptr) {
            ASSERT_NE(s.verdict, nullptr) << (s.score_error ? *s.score_error : "");
        }
    };
    auto summary = analyze_capture(*file, options);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    EXPECT_LE(summary->decode_errors, 1u);  // no_flood_baseline holds one frame cut inside its IP header
    EXPECT_GE(summary->connections, e.min_connections);
    EXPECT_LE(summary->connections, e.max_connections);
    const double n = static_cast<double>(summary->connections);
    if (*e.dominant_flag != '\0') {
        EXPECT_GE(static_cast<double>(flags[e.dominant_flag]) / n, e.min_flag_share) << e.dominant_flag;
    }
    if (model != nullptr) {
        const double share = static_cast<double>(summary->attacks) / n;
        EXPECT_GE(share, e.min_attack_share) << summary->attacks << " of " << n << " flagged";
        EXPECT_LE(share, e.max_attack_share) << summary->attacks << " of " << n << " flagged";
        RecordProperty("flagged_share", std::to_string(share));
        if (*e.family != '\0') {
            const auto it = summary->attacks_by_family.find(e.family);
            const uint64_t in_family = it == summary->attacks_by_family.end() ? 0 : it->second;
            EXPECT_GE(static_cast<double>(in_family), 0.6 * static_cast<double>(summary->attacks)) << e.family;
        }
    }
}

std::vector<double> probabilities(const fs::path& path, const TrafficModel& model, size_t stride) {
    std::vector<double> out;
    auto file = PcapFile::open(path);
    if (!file) return out;
    size_t seen = 0;
    CaptureAnalysisOptions options;
    options.on_connection = [&](const ScoredConnection& s) {
        if (seen++ % stride != 0) return;
        auto verdict = model.score(s.flow.record);
        if (verdict.ok()) out.push_back(verdict->probability);
    };
    (void)analyze_capture(*file, options);
    std::sort(out.begin(), out.end());
    return out;
}

// The model separates the captures: every benign capture's median P(attack) is below the median of every
// flood and scan. (Whether a benign connection is *flagged* depends on the model's threshold; the
// per-capture flagged shares are in docs/models.md.)
TEST(RealCaptureVerdicts, BenignRanksBelowFloodsAndScans) {
    const TrafficModel* model = packet_model();
    if (model == nullptr) GTEST_SKIP() << "no packet model (models/traffic-packets) in this build or tree";
    double lowest_attack = 1.0;
    double highest_benign = 0.0;
    std::string lowest_name;
    std::string highest_name;
    for (const auto& e : kCaptures) {
        const fs::path path = captures_dir() / e.file;
        if (!fs::exists(path)) GTEST_SKIP() << path << " is missing";
        const std::string name = e.file;
        const bool flood_or_scan = e.attack && name.find("ftp") == std::string::npos &&
                                   name.find("sqlinjection") == std::string::npos;
        if (!flood_or_scan && e.attack) continue;
        const auto ps = probabilities(path, *model, std::max<size_t>(1, e.max_connections / 150));
        ASSERT_FALSE(ps.empty()) << name;
        const double median = ps[ps.size() / 2];
        if (flood_or_scan && median < lowest_attack) {
            lowest_attack = median;
            lowest_name = name;
        }
        if (!e.attack && median > highest_benign) {
            highest_benign = median;
            highest_name = name;
        }
    }
    EXPECT_LT(highest_benign, lowest_attack) << highest_name << " vs " << lowest_name;
}

INSTANTIATE_TEST_SUITE_P(Pcaps, RealCapture, ::testing::ValuesIn(kCaptures),
                         [](const ::testing::TestParamInfo<Expectation>& info) {
                             std::string name = info.param.file;
                             name = name.substr(0, name.find('.'));
                             for (char& ch : name) {
                                 if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                             }
                             return name;
                         });

// Window features of the floods and scans look like NSL-KDD's neptune / portsweep rows.
TEST(RealCaptureFeatures, FloodAndScanWindows) {
    const fs::path flood = captures_dir() / "syn_flood.pcap.gz";
    const fs::path scan = captures_dir() / "nmap_syn_scan_evilfingers.pcap.gz";
    if (!fs::exists(flood) || !fs::exists(scan)) GTEST_SKIP() << "captures missing";
    auto check = [](const fs::path& path, const std::string& flag, size_t serror_col, size_t count_col,
                    double min_rate, double min_count) {
        auto file = PcapFile::open(path);
        ASSERT_TRUE(file.ok());
        size_t matching = 0;
        size_t strong = 0;
        CaptureAnalysisOptions options;
        options.on_connection = [&](const ScoredConnection& s) {
            if (s.flow.flag != flag) return;
            ++matching;
            const auto& v = s.flow.record.values;
            if (v[serror_col].number >= min_rate && v[count_col].number >= min_count) ++strong;
        };
        ASSERT_TRUE(analyze_capture(*file, options).ok());
        ASSERT_GT(matching, 0u);
        EXPECT_GE(static_cast<double>(strong) / static_cast<double>(matching), 0.9) << path;
    };
    check(flood, "S0", 24 /*serror_rate*/, 22 /*count*/, 0.8, 100);
    check(scan, "REJ", 26 /*rerror_rate*/, 22 /*count*/, 0.8, 50);
}

}  // namespace
}  // namespace vigil::traffic
