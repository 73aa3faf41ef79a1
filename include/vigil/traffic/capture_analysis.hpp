#pragma once
// A whole capture file through the packet pipeline and, when given, a traffic model: one callback per
// finished connection with its verdict, and totals at the end. Pure: no printing.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "vigil/core/result.hpp"
#include "vigil/traffic/connection_rules.hpp"
#include "vigil/traffic/packet_pipeline.hpp"
#include "vigil/traffic/pcap_file.hpp"
#include "vigil/traffic/traffic_model.hpp"

namespace vigil::traffic {

struct ScoredConnection {
    const FinishedConnection& flow;
    const TrafficVerdict* verdict = nullptr;  // null without a model, or when scoring failed
    const std::string* score_error = nullptr; // set when the model refused the record
};

struct CaptureSummary {
    uint64_t packets = 0;
    uint64_t not_ip = 0;
    uint64_t decode_errors = 0;
    uint64_t ignored = 0;          // IP but not TCP/UDP/ICMP, or orphan fragments
    uint64_t connections = 0;
    uint64_t attacks = 0;
    uint64_t score_errors = 0;
    std::map<std::string, uint64_t> attacks_by_family;
    std::map<std::string, uint64_t> connections_by_flag;
    int64_t first_us = 0;
    int64_t last_us = 0;
};

struct CaptureAnalysisOptions {
    PipelineConfig pipeline;
    const TrafficModel* model = nullptr;
    // Applied to the model's verdicts (brute force, port scan); nothing without a model.
    ConnectionRulesConfig rules;
    std::function<void(const ScoredConnection&)> on_connection;
    // Called now and then with (bytes read, total bytes).
    std::function<void(size_t, size_t)> on_progress;
};

// kFormat when the link type is unsupported or the file is corrupt part-way (the message says where).
Result<CaptureSummary> analyze_capture(PcapFile& file, const CaptureAnalysisOptions& options);

}  // namespace vigil::traffic
