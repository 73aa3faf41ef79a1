#pragma once
// A thread-safe registry of traffic jobs (pcap files, live capture) and their recent verdicts, served by
// GET /api/v1/monitor/traffic. A job updates its own atomic counters without locking; the registry lock is
// taken only to start a job, to note a verdict from a job, and to render.
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/api/url_verdict.hpp"

namespace vigil::api {

class TrafficJob {
public:
    enum class State : uint8_t { kRunning, kFinished, kFailed };

    TrafficJob(int64_t id, std::string name, std::string kind, int64_t started_ms)
        : id_(id), name_(std::move(name)), kind_(std::move(kind)), started_ms_(started_ms) {}

    void add_packets(uint64_t packets, uint64_t bytes) {
        packets_.fetch_add(packets, std::memory_order_relaxed);
        bytes_.fetch_add(bytes, std::memory_order_relaxed);
    }
    void add_flows(uint64_t n) { flows_.fetch_add(n, std::memory_order_relaxed); }
    // Packets the capture lost (kernel or interface drops) or flows the pipeline could not take.
    void set_drops(uint64_t n) { drops_.store(n, std::memory_order_relaxed); }
    void add_drops(uint64_t n) { drops_.fetch_add(n, std::memory_order_relaxed); }
    void finish(int64_t now_ms, std::string_view error = {});

    struct Snapshot {
        int64_t id = 0;
        std::string name, kind, state, error;
        int64_t started_ms = 0, finished_ms = 0;
        uint64_t packets = 0, bytes = 0, flows = 0, drops = 0, verdicts = 0, attacks = 0;
    };
    Snapshot snapshot() const;
    int64_t id() const { return id_; }
    const std::string& name() const { return name_; }

private:
    friend class TrafficMonitor;
    const int64_t id_;
    const std::string name_;
    const std::string kind_;
    const int64_t started_ms_;
    std::atomic<uint64_t> packets_{0}, bytes_{0}, flows_{0}, drops_{0}, verdicts_{0}, attacks_{0};
    std::atomic<State> state_{State::kRunning};
    std::atomic<int64_t> finished_ms_{0};
    mutable std::mutex error_mutex_;
    std::string error_;
};

struct RecentVerdict {
    int64_t ts_ms = 0;
    std::string source;
    bool attack = false;
    std::string family;
    double probability = 0;
    Severity severity = Severity::kInfo;
    int64_t record_id = 0;
};

class TrafficMonitor {
public:
    explicit TrafficMonitor(std::size_t recent_capacity = 100, std::size_t finished_jobs_kept = 32)
        : recent_capacity_(recent_capacity), finished_kept_(finished_jobs_kept) {}

    // kind: "pcap" or "live"; name: the file or interface.
    std::shared_ptr<TrafficJob> start_job(std::string name, std::string kind, int64_t now_ms);
    // A verdict produced by a job (job may be null for sources that are not jobs).
    void note_verdict(TrafficJob* job, RecentVerdict verdict);

    std::vector<TrafficJob::Snapshot> jobs() const;
    std::vector<RecentVerdict> recent() const;  // newest first
    // {"jobs":[...],"recent_verdicts":[...]}
    void append_json(std::string& out) const;

private:
    const std::size_t recent_capacity_;
    const std::size_t finished_kept_;
    mutable std::mutex mutex_;
    int64_t next_id_ = 1;
    std::vector<std::shared_ptr<TrafficJob>> jobs_;
    std::deque<RecentVerdict> recent_;
};

}  // namespace vigil::api
