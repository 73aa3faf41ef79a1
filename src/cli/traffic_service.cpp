#include "vigil/cli/traffic_service.hpp"

#include <iostream>

#include "vigil/api/problem.hpp"
#include "prometheus_text.hpp"
#include "vigil/cli/runtime.hpp"
#include "vigil/store/traffic_tables.hpp"
#ifdef VIGIL_HAVE_TRAFFIC_MODEL
#include "vigil/traffic/capture_analysis.hpp"
#endif

namespace vigil::cli {
namespace {

api::Severity severity_from_name(const std::string& name) {
    if (name == "HIGH") return api::Severity::kHigh;
    if (name == "LOW") return api::Severity::kLow;
    if (name == "INFO") return api::Severity::kInfo;
    return api::Severity::kMedium;
}

Result<std::unique_ptr<traffic::TrafficModel>> load_model(const std::filesystem::path& dir) {
    // Like --model: a relative directory that does not exist here is looked up in this installation.
    std::filesystem::path path = dir;
    std::error_code ec;
    if (path.is_relative() && !std::filesystem::exists(path, ec)) path = install_root() / dir;
    if (!std::filesystem::is_directory(path, ec)) {
        return make_error(ErrorCode::kNotFound, "no traffic model at " + dir.string() +
                                                    " (train one with `vigil train traffic` or set --traffic-model)");
    }
#ifdef VIGIL_HAVE_TRAFFIC_MODEL
    return traffic::load_traffic_model(path);
#else
    return make_error(ErrorCode::kInternal, "this build has no traffic model loader (src/traffic is missing)");
#endif
}


}  // namespace

Result<std::unique_ptr<TrafficService>> TrafficService::start(const ServerConfig& config) {
    std::unique_ptr<TrafficService> s(new TrafficService());
    s->started_ms_ = api::unix_now_ms();
    s->max_predict_batch_ = config.max_predict_batch;
    auto model = load_model(config.traffic_model_dir);
    if (model) {
        s->model_ = std::move(*model);
    } else {
        s->unavailable_reason_ = "traffic model not loaded: " + model.error().message;
        std::cerr << "vigil: warning: " << s->unavailable_reason_ << "; /api/v1/predict answers 503\n";
    }
    auto reader = store::Database::open(config.db_path);
    if (!reader) return reader.error();
    s->reader_ = std::make_unique<store::Database>(std::move(*reader));
    if (!s->model_) return s;

    auto writer = store::Database::open(config.db_path);
    if (!writer) return writer.error();
    auto seed = store::traffic_id_seed(*s->reader_);
    if (!seed) return seed.error();
    store::WriteQueueOptions queue_options;
    queue_options.capacity = config.write_queue_capacity;
    queue_options.max_batch = config.write_batch;
    queue_options.name = "traffic";
    s->queue_ = api::make_traffic_write_queue(std::move(*writer), s->model_->input_schema(), queue_options);
    api::AlertPolicy policy;
    policy.min_severity = severity_from_name(config.alert_min_severity);
    policy.fold_window_ms = static_cast<int64_t>(config.alert_fold_window_s) * 1000;
    auto* queue = s->queue_.get();
    s->ingest_ = std::make_unique<api::TrafficIngest>(
        [queue](api::TrafficWrite&& w) { return queue->try_push(std::move(w)); }, policy, *seed, &s->monitor_);
    s->ingest_->set_alert_feed(&s->alert_feed_);
    return s;
}

TrafficService::~TrafficService() { shutdown(); }

void TrafficService::add_routes(api::Router& router, std::function<void(api::LiveStatistics&)> server_figures) {
    api::PredictRoutesOptions predict_options;
    predict_options.max_batch = max_predict_batch_;
    api::add_predict_routes(router, {model_.get(), ingest_.get(), unavailable_reason_}, predict_options);

    // Reads see the writer's rows once flushed: flushing first gives read-your-writes after a 200 from /predict.
    auto flush = [this] {
        if (queue_) queue_->flush();
    };
    api::AlertServices alerts;
    alerts.list = [this, flush](const store::AlertQuery& q) {
        flush();
        std::lock_guard lock(reader_mutex_);
        return store::query_alerts(*reader_, q);
    };
    alerts.acknowledge = [this, flush](int64_t id) {
        flush();
        Result<store::AlertRow> row = [&] {
            std::lock_guard lock(reader_mutex_);
            return store::acknowledge_alert(*reader_, id, api::unix_now_ms());
        }();
        if (row && ingest_) ingest_->alert_acknowledged(id);
        return row;
    };
    api::add_alert_routes(router, alerts);

    api::StatisticsServices stats;
    stats.now_ms = api::unix_now_ms;
    stats.live = [this, server_figures] {
        api::LiveStatistics live;
        live.uptime_ms = api::unix_now_ms() - started_ms_;
        if (server_figures) server_figures(live);
        if (model_) {
            live.traffic_model_name = model_->name();
            live.traffic_model_version = model_->version();
            live.traffic = ingest_.get();
        }
        if (queue_) {
            live.write_queue_depth += queue_->depth();
            live.write_queue_dropped += queue_->dropped();
        }
        return live;
    };
    stats.traffic_counts = [this, flush](int64_t since) {
        flush();
        std::lock_guard lock(reader_mutex_);
        return store::traffic_counts(*reader_, since);
    };
    stats.url_counts = [this](int64_t since) {
        std::lock_guard lock(reader_mutex_);
        return reader_->url_check_stats(since);
    };
    api::add_statistics_route(router, stats);
    api::add_monitor_route(router, monitor_);
    // The WebSocket upgrade itself is handled by the server (HttpServer::add_event_feed); a plain GET lands here.
    router.add(api::Method::kGet, "/ws/alerts", "/ws/alerts", [](const api::HttpRequest&) {
        api::HttpResponse r = api::problem(426, "upgrade-required", "Upgrade required",
                                           "/ws/alerts is a WebSocket endpoint: send Upgrade: websocket");
        r.headers.emplace_back("Upgrade", "websocket");
        return r;
    });
}

void TrafficService::append_prometheus(std::string& out) const {
    if (!ingest_ || !queue_) return;
    const auto& c = ingest_->counters();
    out += "# HELP vigil_traffic_predictions_total Traffic records scored, by prediction.\n"
           "# TYPE vigil_traffic_predictions_total counter\n";
    out += "vigil_traffic_predictions_total{prediction=\"normal\"} " + std::to_string(c.normal.load()) + "\n";
    out += "vigil_traffic_predictions_total{prediction=\"attack\"} " + std::to_string(c.attack.load()) + "\n";
    append_metric(out, "vigil_traffic_alerts_raised_total", "Traffic alerts raised.", c.alerts_raised.load(), "counter");
    append_metric(out, "vigil_traffic_alerts_folded_total", "Traffic predictions folded into an open alert.",
                 c.alerts_folded.load(), "counter");
    append_metric(out, "vigil_traffic_queue_depth", "Traffic rows waiting for the background writer.", queue_->depth(),
                 "gauge");
    append_metric(out, "vigil_traffic_queue_dropped_total", "Traffic records refused because the queue was full.",
                 queue_->dropped(), "counter");
    append_metric(out, "vigil_traffic_queue_written_total", "Traffic records written.", queue_->written(), "counter");
    append_metric(out, "vigil_traffic_queue_errors_total", "Failed traffic write batches.", queue_->write_errors(),
                 "counter");
}

void TrafficService::shutdown() {
    if (queue_) queue_->shutdown();
}

uint64_t TrafficService::written() const { return queue_ ? queue_->written() : 0; }
uint64_t TrafficService::dropped() const { return queue_ ? queue_->dropped() : 0; }

}  // namespace vigil::cli
