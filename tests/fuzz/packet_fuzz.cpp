// Fuzz target: the packet decoder and the connection pipeline must never crash or read outside a
// frame, whatever the bytes. Input: a link-type selector byte, then frames as [2-byte length][bytes]
// (the last frame takes the rest), so one input exercises the stateful tracker across packets.
// A selector byte >= 0xF0 instead treats the rest as a whole capture file (gzip, pcap, pcapng) read by
// PcapFile and analyze_capture.
// Built as a libFuzzer target (clang, -DVIGIL_FUZZ=ON) or linked with replay_main.cpp (corpus/packet/).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "vigil/traffic/capture_analysis.hpp"
#include "vigil/traffic/connection_rules.hpp"
#include "vigil/traffic/packet_pipeline.hpp"
#include "vigil/traffic/pcap_file.hpp"

namespace {

constexpr int kLinkTypes[] = {
    vigil::traffic::link_type::kEthernet,  vigil::traffic::link_type::kRaw,       vigil::traffic::link_type::kNull,
    vigil::traffic::link_type::kLoop,      vigil::traffic::link_type::kLinuxSll,  vigil::traffic::link_type::kLinuxSll2,
    vigil::traffic::link_type::kIpv4,      vigil::traffic::link_type::kIpv6,      147 /* unsupported */};

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    if (data[0] >= 0xF0) {
        auto file = vigil::traffic::PcapFile::from_bytes(std::vector<char>(data + 1, data + size), "fuzz");
        if (!file.ok()) {
            if (file.error().message.empty()) fail("file error without a message");
            return 0;
        }
        vigil::traffic::CaptureAnalysisOptions options;
        options.pipeline.tracker.max_connections = 64;
        auto summary = vigil::traffic::analyze_capture(*file, options);
        if (summary.ok() && summary->connections > summary->packets) fail("more connections than packets");
        return 0;
    }
    const int dlt = kLinkTypes[data[0] % (sizeof kLinkTypes / sizeof kLinkTypes[0])];
    vigil::traffic::PipelineConfig config;
    config.tracker.max_connections = 64;
    config.features.host_window = 8;
    size_t finished = 0;
    // The rules see every connection too, with windows and state limits small enough to be exercised.
    vigil::traffic::ConnectionRulesConfig rules_config;
    rules_config.bruteforce.min_sessions = 2;
    rules_config.portscan.min_ports = 2;
    rules_config.max_tracked_pairs = 4;
    vigil::traffic::ConnectionRules rules(rules_config);
    vigil::traffic::TrafficVerdict verdict;
    vigil::traffic::PacketPipeline pipeline(dlt, config, [&](const vigil::traffic::FinishedConnection& f) {
        ++finished;
        verdict = vigil::traffic::TrafficVerdict{};
        verdict.family = "normal";
        if (rules.apply(f.connection, verdict) &&
            (!verdict.attack || verdict.reasons.empty() || verdict.probability < 0.8)) {
            fail("a rule fired without making an attack with its reason");
        }
        if (f.record.values.size() != 41) fail("record does not have 41 values");
        for (size_t i = 0; i < 41; ++i) {
            const double v = f.record.values[i].number;
            if (!(v >= 0) || v != v) fail("negative or NaN feature");
            if (i >= 24 && i <= 30 && v > 1.0) fail("time-window rate above 1");
            if (i >= 33 && v > 1.0) fail("host-window rate above 1");
        }
        if (f.flag.empty() || f.service.empty()) fail("empty flag or service");
    });
    size_t pos = 1;
    int64_t ts = 1'000'000;
    while (pos < size) {
        size_t len = size - pos;
        if (len > 2) {
            const size_t want = (static_cast<size_t>(data[pos]) << 8) | data[pos + 1];
            pos += 2;
            len = std::min(want, size - pos);
        }
        // A copy of exactly `len` bytes, so ASan sees any read past the frame.
        std::vector<uint8_t> frame(data + pos, data + pos + len);
        pipeline.on_frame(ts, frame.data(), frame.size());
        ts += 700'000;  // time moves: timeouts and windows are exercised too
        pos += len;
    }
    pipeline.finish();
    if (finished != pipeline.tracker_stats().connections) fail("connections lost");
    return 0;
}
