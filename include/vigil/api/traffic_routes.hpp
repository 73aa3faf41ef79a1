#pragma once
// HTTP handlers for issue 3: /api/v1/predict, /api/v1/predict/batch, /api/v1/alerts, /api/v1/alerts/{id}/ack,
// /api/v1/statistics and /api/v1/monitor/traffic. Thin: parse and validate, call the pure cores
// (TrafficRecordParser, TrafficModel, TrafficIngest, the store queries handed in as functions), serialise.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vigil/api/router.hpp"
#include "vigil/api/traffic_ingest.hpp"
#include "vigil/api/traffic_monitor.hpp"
#include "vigil/core/result.hpp"
#include "vigil/store/database.hpp"
#include "vigil/store/traffic_tables.hpp"
#include "vigil/traffic/traffic_model.hpp"

namespace vigil::api {

struct PredictRoutesOptions {
    std::size_t max_batch = 10'000;
};

// model and ingest null: /predict answers 503 with `unavailable_reason`.
struct PredictServices {
    const traffic::TrafficModel* model = nullptr;
    TrafficIngest* ingest = nullptr;
    std::string unavailable_reason;
};
void add_predict_routes(Router& router, PredictServices services, PredictRoutesOptions options);

// Storage behind the alert routes; called from request threads, so they must be thread-safe.
struct AlertServices {
    std::function<Result<std::vector<store::AlertRow>>(const store::AlertQuery&)> list;
    std::function<Result<store::AlertRow>(int64_t id)> acknowledge;  // kNotFound for an unknown id
};
void add_alert_routes(Router& router, AlertServices services);

// Parses the query string of GET /api/v1/alerts; kInvalidArgument names the bad parameter.
Result<store::AlertQuery> parse_alert_query(std::string_view query);
// "2026-11-25T01:02:03Z", "2026-11-25T01:02:03.250Z" or Unix milliseconds.
std::optional<int64_t> parse_time_ms(std::string_view text);
// Unix milliseconds as RFC 3339 UTC with milliseconds.
std::string format_time_ms(int64_t ms);

// Figures that live in memory; gathered by the caller (the server) at request time.
struct LiveStatistics {
    int64_t uptime_ms = 0;
    uint64_t http_requests = 0;
    double http_p50_s = 0, http_p90_s = 0, http_p99_s = 0;
    uint64_t url_cache_hits = 0, url_cache_misses = 0;
    std::string url_model_name, url_model_version;
    std::string traffic_model_name, traffic_model_version;  // empty: no traffic model loaded
    const TrafficIngest* traffic = nullptr;                 // null: no traffic model loaded
    uint64_t write_queue_depth = 0, write_queue_dropped = 0;
};

struct StatisticsServices {
    std::function<int64_t()> now_ms;
    std::function<LiveStatistics()> live;
    std::function<Result<store::TrafficCounts>(int64_t since_ms)> traffic_counts;
    std::function<Result<store::UrlCheckStats>(int64_t since_ms)> url_counts;
};
void add_statistics_route(Router& router, StatisticsServices services);

void add_monitor_route(Router& router, const TrafficMonitor& monitor);

}  // namespace vigil::api
