#pragma once
// The traffic side of `vigil serve` (issue 3), owned together: the traffic model (optional), the write queue to
// traffic_records/predictions/threats, alert folding, the capture monitor, and a read connection for alert
// queries and statistics. A missing model is not fatal: /api/v1/predict then answers 503 and /ready says why.
// In-process capture or pcap jobs feed ingest() and monitor().
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "vigil/api/event_feed.hpp"
#include "vigil/api/router.hpp"
#include "vigil/api/traffic_ingest.hpp"
#include "vigil/api/traffic_monitor.hpp"
#include "vigil/api/traffic_routes.hpp"
#include "vigil/core/config.hpp"
#include "vigil/core/result.hpp"
#include "vigil/store/database.hpp"
#include "vigil/traffic/traffic_model.hpp"

namespace vigil::traffic {
struct ScoredConnection;
}

namespace vigil::cli {

class TrafficService {
public:
    // Fails only when the database cannot be opened; a model that cannot be loaded is reported, not fatal.
    static Result<std::unique_ptr<TrafficService>> start(const ServerConfig& config);
    ~TrafficService();

    // /api/v1/predict[/batch], /api/v1/alerts[/{id}/ack], /api/v1/statistics, /api/v1/monitor/traffic.
    // server_figures adds what only the server knows (HTTP counters, URL cache, URL model) to the statistics.
    void add_routes(api::Router& router, std::function<void(api::LiveStatistics&)> server_figures);

    const traffic::TrafficModel* model() const { return model_.get(); }
    std::string unavailable_reason() const { return unavailable_reason_; }  // empty when a model is loaded
    api::TrafficIngest* ingest() { return ingest_.get(); }                  // null without a model
    api::TrafficMonitor& monitor() { return monitor_; }
    // Raised alerts as {"event":"alert_raised","alert":{...}} messages, for WS /ws/alerts.
    api::EventFeed& alert_feed() { return alert_feed_; }

    void append_prometheus(std::string& out) const;
    // Stops accepting records and writes every accepted one. Call after the HTTP server has stopped.
    void shutdown();
    uint64_t written() const;
    uint64_t dropped() const;

private:
    TrafficService() = default;

    std::unique_ptr<traffic::TrafficModel> model_;
    std::string unavailable_reason_;
    api::TrafficMonitor monitor_;
    api::EventFeed alert_feed_;
    std::unique_ptr<api::TrafficWriteQueue> queue_;
    std::unique_ptr<api::TrafficIngest> ingest_;
    // Alert queries, acknowledgements and statistics share one read/write connection apart from the writer's.
    std::mutex reader_mutex_;
    std::unique_ptr<store::Database> reader_;
    int64_t started_ms_ = 0;
    std::size_t max_predict_batch_ = 10000;
};

}  // namespace vigil::cli
