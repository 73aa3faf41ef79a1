#pragma once
// Frames -> decoded packets -> connections -> NSL-KDD records. The one path shared by `vigil pcap`,
// live capture and the benchmark. Single-threaded; the sink runs on the caller's thread.
#include <cstdint>
#include <functional>
#include <string_view>

#include "vigil/traffic/connection_features.hpp"
#include "vigil/traffic/connection_tracker.hpp"
#include "vigil/traffic/packet_decoder.hpp"
#include "vigil/traffic/record.hpp"

namespace vigil::traffic {

struct PipelineConfig {
    TrackerConfig tracker;
    FeatureWindowConfig features;
};

struct FinishedConnection {
    const Connection& connection;
    std::string_view service;
    std::string_view flag;
    const Record& record;  // 41 values in kNslKddFeatureNames order
};

struct PipelineStats {
    uint64_t frames = 0;
    uint64_t not_ip = 0;          // ARP and friends: skipped, not errors
    uint64_t truncated = 0;
    uint64_t malformed = 0;
    uint64_t unsupported_link = 0;
    uint64_t decode_errors() const { return truncated + malformed + unsupported_link; }
};

class PacketPipeline {
public:
    using Sink = std::function<void(const FinishedConnection&)>;

    PacketPipeline(int link_type, PipelineConfig config, Sink sink);
    // The tracker calls back into this object: it stays where it was built.
    PacketPipeline(const PacketPipeline&) = delete;
    PacketPipeline& operator=(const PacketPipeline&) = delete;

    void on_frame(int64_t ts_us, const uint8_t* data, size_t caplen);
    void on_packet(const PacketInfo& packet) { tracker_.add(packet); }
    // Lets idle connections time out when no packet arrives (live capture).
    void advance(int64_t now_us) { tracker_.expire(now_us); }
    // End of input: every open connection is finished.
    void finish() { tracker_.flush(); }

    const PipelineStats& stats() const { return stats_; }
    const TrackerStats& tracker_stats() const { return tracker_.stats(); }
    size_t active_connections() const { return tracker_.active(); }
    int link_type() const { return link_type_; }

private:
    void on_connection(const Connection& c);

    int link_type_;
    Sink sink_;
    ConnectionFeatureBuilder features_;
    ConnectionTracker tracker_;
    PipelineStats stats_;
    PacketInfo packet_;
    Record record_;
};

}  // namespace vigil::traffic
