#pragma once
// Live capture on one interface: a thread reads packets with libpcap and runs them through the same
// PacketPipeline as `vigil pcap`; the sink is called on that thread for every finished connection.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "vigil/core/result.hpp"
#include "vigil/traffic/connection_rules.hpp"
#include "vigil/traffic/packet_pipeline.hpp"

struct pcap;

namespace vigil::traffic {

struct LiveCaptureOptions {
    std::string interface;          // "lo", "eth0", ...
    std::string bpf_filter;         // optional, e.g. "not port 8080"
    int snaplen = 256;              // headers are enough: content features are not computed
    bool promiscuous = false;
    int buffer_timeout_ms = 100;    // how often the thread wakes with no traffic (timeouts, stop)
    int buffer_size_bytes = 16 << 20;
    PipelineConfig pipeline;
    ConnectionRulesConfig rules;    // applied to the model's verdicts by LiveTrafficMonitor
};

struct LiveCaptureStats {
    uint64_t packets = 0;
    uint64_t decode_errors = 0;
    uint64_t connections = 0;          // finished and handed to the sink
    uint64_t active_connections = 0;
    uint64_t kernel_drops = 0;         // pcap_stats ps_drop: the buffer overflowed
    uint64_t interface_drops = 0;      // ps_ifdrop
    bool running = false;
};

class LiveCapture {
public:
    // Opens and activates the interface (needs CAP_NET_RAW); the thread starts with start().
    static Result<std::unique_ptr<LiveCapture>> open(LiveCaptureOptions options, PacketPipeline::Sink sink);
    ~LiveCapture();
    LiveCapture(const LiveCapture&) = delete;
    LiveCapture& operator=(const LiveCapture&) = delete;

    void start();
    // Stops the thread and finishes every open connection (the sink sees them). Idempotent.
    void stop();
    LiveCaptureStats stats() const;
    const std::string& interface() const { return options_.interface; }
    // Non-empty when the capture thread stopped on an error.
    std::string error() const;

private:
    struct Closer {
        void operator()(pcap* p) const;
    };
    LiveCapture(LiveCaptureOptions options, std::unique_ptr<pcap, Closer> handle, PacketPipeline::Sink sink);
    void run();
    void publish_stats();

    LiveCaptureOptions options_;
    std::unique_ptr<pcap, Closer> handle_;
    PacketPipeline pipeline_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> running_{false};
    std::atomic<uint64_t> packets_{0};
    std::atomic<uint64_t> decode_errors_{0};
    std::atomic<uint64_t> connections_{0};
    std::atomic<uint64_t> active_{0};
    std::atomic<uint64_t> kernel_drops_{0};
    std::atomic<uint64_t> interface_drops_{0};
    mutable std::mutex error_mutex_;
    std::string error_;
};

}  // namespace vigil::traffic
