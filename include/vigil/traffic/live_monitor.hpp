#pragma once
// Live traffic scoring: a LiveCapture whose finished connections are scored by a traffic model,
// counted, kept in a ring of recent verdicts and handed to a sink (every scored connection: the sink
// decides what becomes an alert or a stored record).
// This is what `vigil serve --capture IFACE` runs; the monitor/alert routes read it.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/traffic/capture_analysis.hpp"
#include "vigil/traffic/live_capture.hpp"

namespace vigil::traffic {

// A finished connection as the monitor keeps it (owned strings: safe to read from other threads).
struct RecentConnection {
    uint64_t flow_id = 0;
    int64_t first_us = 0;
    int64_t last_us = 0;
    std::string src_ip;
    std::string dest_ip;
    uint16_t src_port = 0;
    uint16_t dest_port = 0;
    std::string proto;    // "tcp", "udp", "icmp"
    std::string service;  // NSL-KDD service
    std::string state;    // NSL-KDD flag
    uint64_t pkts_toserver = 0;
    uint64_t pkts_toclient = 0;
    uint64_t bytes_toserver = 0;
    uint64_t bytes_toclient = 0;
    bool scored = false;
    bool attack = false;
    std::string family;
    double probability = 0;
};

struct LiveMonitorStats {
    LiveCaptureStats capture;
    uint64_t scored = 0;
    uint64_t attacks = 0;
    uint64_t score_errors = 0;
    std::map<std::string, uint64_t> attacks_by_family;
};

class LiveTrafficMonitor {
public:
    // Called on the capture thread for every scored connection (verdict set) or, without a model, every
    // connection (verdict null). Keep it short (queue the work); it must not throw.
    using ConnectionSink = std::function<void(const ScoredConnection&)>;

    // `model` may be null (connections are counted and kept, not scored); it must outlive the monitor.
    static Result<std::unique_ptr<LiveTrafficMonitor>> start(LiveCaptureOptions options, const TrafficModel* model,
                                                             ConnectionSink sink, size_t recent_capacity = 100);
    ~LiveTrafficMonitor();

    void stop();
    LiveMonitorStats stats() const;
    std::vector<RecentConnection> recent() const;  // oldest first
    const std::string& interface() const { return interface_; }
    bool scoring() const { return model_ != nullptr; }

private:
    LiveTrafficMonitor(const TrafficModel* model, ConnectionSink sink, size_t recent_capacity);
    void on_connection(const FinishedConnection& flow);

    const TrafficModel* model_;
    ConnectionSink sink_;
    size_t recent_capacity_;
    std::string interface_;
    std::optional<ConnectionRules> rules_;  // capture thread only
    std::unique_ptr<LiveCapture> capture_;
    mutable std::mutex mutex_;  // guards everything below (the capture thread writes, readers copy)
    std::deque<RecentConnection> recent_;
    uint64_t scored_ = 0;
    uint64_t attacks_ = 0;
    uint64_t score_errors_ = 0;
    std::map<std::string, uint64_t> attacks_by_family_;
};

}  // namespace vigil::traffic
