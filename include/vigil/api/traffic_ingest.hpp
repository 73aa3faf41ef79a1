#pragma once
// Where every scored connection record goes, whoever scored it (the HTTP API, a pcap file, live capture):
// severity, alert decision (folded in memory), statistics, the monitor, and one row in the bounded background
// write queue (traffic_records + predictions + threats). Record and alert ids are allocated here, so the
// caller learns them at once and no request reads SQLite. Thread-safe.
//
// Typical use by a capture job:
//   auto job = monitor.start_job("eth0", "live", now_ms);
//   auto verdict = model.score(record);
//   if (verdict) ingest.ingest(std::move(record), *verdict, {.source = "live:eth0", .job = job.get()});
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/api/alert_folder.hpp"
#include "vigil/api/event_feed.hpp"
#include "vigil/api/latency_histogram.hpp"
#include "vigil/api/traffic_monitor.hpp"
#include "vigil/api/url_verdict.hpp"
#include "vigil/store/database.hpp"
#include "vigil/store/traffic_tables.hpp"
#include "vigil/store/write_queue.hpp"
#include "vigil/traffic/record.hpp"
#include "vigil/traffic/traffic_model.hpp"

namespace vigil::api {

// What a flow builder knows beyond the model's fields (all optional).
struct ConnectionInfo {
    std::optional<std::string> src_addr, dst_addr;
    std::optional<int64_t> src_port, dst_port;
    std::optional<int64_t> packets_in, packets_out;
};

struct IngestContext {
    std::string_view source = "api";  // api | pcap:<file> | live:<iface>
    int64_t latency_us = 0;           // time spent scoring, for statistics
    TrafficJob* job = nullptr;        // the monitor job that produced the record, if any
    ConnectionInfo connection;
};

// One element of the traffic write queue: a scored record and, when it raised or folded into an alert, that.
struct TrafficWrite {
    int64_t record_id = 0;
    int64_t ts_ms = 0;
    std::string source;
    traffic::Record record;
    ConnectionInfo connection;
    bool attack = false;
    std::string family;
    double probability = 0;
    Severity severity = Severity::kInfo;
    std::string model_version;
    int64_t latency_us = 0;
    std::vector<traffic::Contribution> reasons;
    AlertDecision alert;  // kind kNone when no alert
};

using TrafficWriteQueue = store::WriteQueue<TrafficWrite>;

// The queue's writer thread owns `db` and turns TrafficWrite elements into rows (JSON built off the hot path).
std::unique_ptr<TrafficWriteQueue> make_traffic_write_queue(store::Database db, const traffic::Schema& schema,
                                                            store::WriteQueueOptions options = {});

struct IngestOutcome {
    bool stored = false;  // false: the write queue was full (the record was dropped and counted)
    int64_t record_id = 0;
    Severity severity = Severity::kInfo;
    AlertDecision alert;
};

struct TrafficCounters {
    std::atomic<uint64_t> normal{0}, attack{0}, alerts_raised{0}, alerts_folded{0}, dropped{0};
};

class TrafficIngest {
public:
    using Clock = std::function<int64_t()>;  // Unix milliseconds
    // push: hands a write to storage without blocking; false = not accepted.
    using Push = std::function<bool(TrafficWrite&&)>;

    TrafficIngest(Push push, AlertPolicy policy, store::TrafficIdSeed seed, TrafficMonitor* monitor = nullptr,
                  Clock clock = {});

    IngestOutcome ingest(traffic::Record record, const traffic::TrafficVerdict& verdict, const IngestContext& context);

    // Raised alerts are also published here (WS /ws/alerts) as {"event":"alert_raised","alert":{...}}.
    void set_alert_feed(EventFeed* feed) { feed_ = feed; }

    // After an acknowledgement: later identical predictions raise a new alert.
    void alert_acknowledged(int64_t alert_id) { folder_.close(alert_id); }

    const TrafficCounters& counters() const { return counters_; }
    const LatencyHistogram& latency() const { return latency_; }
    const AlertFolder& alerts() const { return folder_; }
    int64_t now_ms() const { return clock_(); }

private:
    Push push_;
    AlertFolder folder_;
    TrafficMonitor* monitor_;
    EventFeed* feed_ = nullptr;
    Clock clock_;
    std::atomic<int64_t> next_record_id_;
    TrafficCounters counters_;
    LatencyHistogram latency_;
};

int64_t unix_now_ms();
// "HIGH DoS traffic from api": the summary stored with an alert.
std::string alert_summary(Severity severity, std::string_view family, std::string_view source);

}  // namespace vigil::api
