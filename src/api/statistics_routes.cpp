#include "vigil/api/json_writer.hpp"
#include "vigil/api/problem.hpp"
#include "vigil/api/traffic_routes.hpp"

namespace vigil::api {
namespace {

struct Window {
    std::string_view name;
    int64_t ms;
};
constexpr Window kWindows[] = {{"1m", 60'000}, {"1h", 3'600'000}, {"24h", 86'400'000}};

void append_counts(JsonWriter& w, std::string_view key, const std::vector<std::pair<std::string, int64_t>>& counts) {
    w.key(key).begin_object();
    for (const auto& [name, n] : counts) w.field(name.empty() ? std::string_view("unknown") : name, n);
    w.end_object();
}

double per_second(int64_t count, int64_t window_ms) {
    return window_ms > 0 ? static_cast<double>(count) * 1000.0 / static_cast<double>(window_ms) : 0.0;
}

HttpResponse statistics(const StatisticsServices& s) {
    const int64_t now = s.now_ms();
    const LiveStatistics live = s.live ? s.live() : LiveStatistics{};
    HttpResponse r;
    r.body.reserve(4096);
    JsonWriter w(r.body);
    w.begin_object();
    w.field("generated_at", format_time_ms(now)).field("uptime_s", static_cast<double>(live.uptime_ms) / 1000.0);
    w.key("windows").begin_object();
    for (const Window& win : kWindows) {
        // Counts come from the database, so they include rows stored before this process started.
        const int64_t since = now - win.ms;
        w.key(win.name).begin_object();
        if (s.traffic_counts) {
            auto tc = s.traffic_counts(since);
            if (!tc) return problem(500, "internal", "Internal error", tc.error().message);
            w.key("traffic").begin_object();
            w.field("total", tc->total).field("per_second", per_second(tc->total, win.ms));
            append_counts(w, "by_prediction", tc->by_label);
            append_counts(w, "by_family", tc->by_family);
            append_counts(w, "by_severity", tc->by_severity);
            w.field("alerts_raised", tc->alerts);
            w.end_object();
        }
        if (s.url_counts) {
            auto uc = s.url_counts(since);
            if (!uc) return problem(500, "internal", "Internal error", uc.error().message);
            w.key("url").begin_object();
            w.field("total", uc->total).field("per_second", per_second(uc->total, win.ms));
            append_counts(w, "by_verdict", uc->by_verdict);
            append_counts(w, "by_severity", uc->by_severity);
            w.field("mean_latency_us", uc->mean_latency_us);
            w.end_object();
        }
        w.end_object();
    }
    w.end_object();

    w.key("http").begin_object();
    w.field("requests_total", live.http_requests);
    w.field("requests_per_second_since_start",
            live.uptime_ms > 0 ? static_cast<double>(live.http_requests) * 1000.0 / static_cast<double>(live.uptime_ms)
                               : 0.0);
    w.key("latency_seconds").begin_object();
    w.field("p50", live.http_p50_s).field("p90", live.http_p90_s).field("p99", live.http_p99_s);
    w.field("note", "upper bounds of histogram buckets, all routes, since start");
    w.end_object().end_object();

    const uint64_t lookups = live.url_cache_hits + live.url_cache_misses;
    w.key("url_cache").begin_object();
    w.field("hits", live.url_cache_hits).field("misses", live.url_cache_misses);
    w.key("hit_rate");
    if (lookups > 0) w.value(static_cast<double>(live.url_cache_hits) / static_cast<double>(lookups)); else w.null();
    w.end_object();

    w.key("traffic").begin_object();
    if (live.traffic != nullptr) {
        const auto& c = live.traffic->counters();
        const auto& h = live.traffic->latency();
        w.field("scored_since_start", c.normal.load() + c.attack.load());
        w.field("attacks_since_start", c.attack.load());
        w.field("alerts_raised_since_start", c.alerts_raised.load());
        w.field("alerts_folded_since_start", c.alerts_folded.load());
        w.field("dropped_since_start", c.dropped.load());
        w.field("open_alert_folds", static_cast<uint64_t>(live.traffic->alerts().open_alerts()));
        w.key("scoring_latency_us").begin_object();
        w.field("count", h.count()).field("p50", h.quantile_us(0.5)).field("p90", h.quantile_us(0.9));
        w.field("p99", h.quantile_us(0.99)).end_object();
    } else {
        w.field("available", false);
    }
    w.end_object();

    w.key("models").begin_object();
    w.key("url").begin_object().field("name", live.url_model_name).field("version", live.url_model_version);
    w.end_object();
    w.key("traffic");
    if (!live.traffic_model_name.empty()) {
        w.begin_object().field("name", live.traffic_model_name).field("version", live.traffic_model_version);
        w.end_object();
    } else {
        w.null();
    }
    w.end_object();
    w.key("write_queue").begin_object().field("depth", live.write_queue_depth);
    w.field("dropped", live.write_queue_dropped).end_object();
    w.end_object();
    return r;
}

}  // namespace

void add_statistics_route(Router& router, StatisticsServices services) {
    router.add(Method::kGet, "/api/v1/statistics", "/api/v1/statistics", [services](const HttpRequest& req) {
        if (!req.query.empty()) {
            return problem(400, "invalid-request", "Invalid request", "/api/v1/statistics takes no query parameters");
        }
        return statistics(services);
    });
}

void add_monitor_route(Router& router, const TrafficMonitor& monitor) {
    router.add(Method::kGet, "/api/v1/monitor/traffic", "/api/v1/monitor/traffic",
               [&monitor](const HttpRequest& req) {
                   if (!req.query.empty()) {
                       return problem(400, "invalid-request", "Invalid request",
                                      "/api/v1/monitor/traffic takes no query parameters");
                   }
                   HttpResponse r;
                   monitor.append_json(r.body);
                   return r;
               });
}

}  // namespace vigil::api
