// vigil serve: wires configuration, model, cache, storage and the HTTP server together.
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include "vigil/api/check_routes.hpp"
#include "vigil/api/intel_routes.hpp"
#include "vigil/api/domain_routes.hpp"
#include "vigil/api/system_routes.hpp"
#include "vigil/api/url_checker.hpp"
#include "live_traffic.hpp"
#include "vigil/cli/intel_commands.hpp"
#include "vigil/cli/local_commands.hpp"
#include "vigil/cli/runtime.hpp"
#include "prometheus_text.hpp"
#include "vigil/cli/traffic_service.hpp"
#include "vigil/core/config.hpp"
#include "vigil/server/http_server.hpp"
#include "vigil/store/url_check_queue.hpp"

namespace vigil::cli {
namespace {

void print_serve_help() {
    std::cout << "usage: vigil serve [--config FILE] [--listen HOST:PORT] [--db PATH] [--model DIR] [options]\n\n"
                 "Runs the HTTP API (see docs/api.md). Settings come from, in increasing precedence:\n"
                 "built-in defaults, the TOML file given with --config, VIGIL_* environment variables,\n"
                 "and command-line flags. SIGTERM/SIGINT stop accepting connections, finish requests\n"
                 "in flight and write every accepted row to the database before exiting.\n\n"
              << config_help() << "\n" << live_traffic_help();
}

int64_t unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}


}  // namespace

int run_serve(int argc, char** argv) {
    std::optional<std::filesystem::path> config_file;
    std::vector<std::pair<std::string, std::string>> flags;
    LiveTrafficOptions live_options;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            print_serve_help();
            return 0;
        }
        if (a.substr(0, 2) != "--") {
            std::cerr << "vigil serve: unexpected argument '" << a << "' (see vigil serve --help)\n";
            return 2;
        }
        std::string name(a.substr(2));
        std::string value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            std::cerr << "vigil serve: --" << name << " needs a value\n";
            return 2;
        }
        if (name == "config") {
            config_file = value;
        } else if (take_live_traffic_flag(name, value, live_options)) {
        } else {
            flags.emplace_back(std::move(name), std::move(value));
        }
    }

    auto loaded = load_config(config_file, process_environment());
    if (!loaded) {
        std::cerr << "vigil serve: " << loaded.error().message << "\n";
        return 2;
    }
    ServerConfig config = std::move(*loaded);
    for (const auto& [name, value] : flags) {
        if (auto s = apply_flag(config, name, value); !s) {
            std::cerr << "vigil serve: " << s.error().message << " (see vigil serve --help)\n";
            return 2;
        }
    }

    if (auto s = validate(config); !s) {
        std::cerr << "vigil serve: " << s.error().message << "\n";
        return 2;
    }

    auto runtime = load_url_runtime(config.model_dir, config.brands_path);
    if (!runtime) {
        std::cerr << "vigil serve: " << runtime.error().message << "\n";
        return 2;
    }
    UrlRuntime& rt = **runtime;

    // Threat intel: stored feeds, background refresh, verdict rules (see intel_serving.cpp).
    auto intel_serving = start_intel_serving(config);
    if (!intel_serving) {
        std::cerr << "vigil serve: " << intel_serving.error().message << "\n";
        return 2;
    }
    IntelServing& intel = **intel_serving;

    auto db = store::Database::open(config.db_path);
    if (!db) {
        std::cerr << "vigil serve: cannot open database " << config.db_path << ": " << db.error().message << "\n";
        return 2;
    }
    store::WriteQueueOptions queue_options;
    queue_options.capacity = config.write_queue_capacity;
    queue_options.max_batch = config.write_batch;
    queue_options.name = "url_checks";
    queue_options.writer_nice = static_cast<int>(config.writer_nice);
    auto queue = store::make_url_check_queue(std::move(*db), queue_options);

    api::UrlCheckerOptions checker_options;
    checker_options.suspicious_margin = config.suspicious_margin;
    checker_options.cache_capacity = config.cache_capacity;
    checker_options.cache_ttl_ms = static_cast<int64_t>(config.cache_ttl_s) * 1000;
    checker_options.explain = config.exact_explanations == "always"    ? api::ExplainMode::kAlways
                              : config.exact_explanations == "never"   ? api::ExplainMode::kNever
                              : config.exact_explanations == "flagged" ? api::ExplainMode::kFlagged
                                                                       : api::ExplainMode::kBackground;
    checker_options.rules = intel.rules;
    api::UrlModel model{&rt.model.forest, rt.model.threshold, rt.model.name, rt.model.version};
    api::UrlChecker checker(model, rt.psl, rt.brands, checker_options);

    server::HttpMetrics http_metrics;
    api::Router router;
    api::CheckRoutesOptions check_options;
    check_options.max_url_bytes = config.max_url_bytes;
    auto* queue_ptr = queue.get();
    api::add_check_routes(router, checker, check_options, [queue_ptr](const api::UrlCheck& check) {
        const api::UrlVerdict& v = *check.verdict;
        queue_ptr->try_push(store::UrlCheckRow{unix_ms(), v.canonical_url, v.registrable_domain, v.score,
                                               std::string(api::to_string(v.verdict)),
                                               std::string(api::to_string(v.severity)), v.model_version,
                                               check.took_us});
    });
    // Domain reports share the URL checker's lookalike detector (one index in memory).
    api::add_domain_routes(router, rt.psl, checker.lookalike());
    // Traffic predictions, alerts, statistics and the capture monitor (issue 3): see cli/traffic_service.
    auto traffic = TrafficService::start(config);
    if (!traffic) {
        std::cerr << "vigil serve: cannot open database " << config.db_path << ": " << traffic.error().message << "\n";
        return 2;
    }
    TrafficService& traffic_service = **traffic;

    // Live capture (traffic-pcap): scored by the packet model and fed to the traffic service like any
    // prediction (records, alerts, /ws/alerts, the monitor's "live" job); null without --capture.
    const LiveTraffic* live = nullptr;
    std::shared_ptr<api::TrafficJob> capture_job;
    std::function<void(const traffic::ScoredConnection&)> capture_sink;
    if (!live_options.interface.empty()) {
        capture_job = traffic_service.monitor().start_job(live_options.interface, "live", unix_ms());
        capture_sink = traffic_service_sink(traffic_service, capture_job, &live);
    }
    auto live_traffic = start_live_traffic(live_options, capture_sink);
    if (!live_traffic) {
        if (capture_job) capture_job->finish(unix_ms(), live_traffic.error().message);
        std::cerr << "vigil serve: " << live_traffic.error().message << "\n";
        return 2;
    }
    live = live_traffic->get();
    traffic_service.add_routes(router, [&](api::LiveStatistics& live) {
        live.http_requests = http_metrics.total_requests();
        live.http_p50_s = http_metrics.latency_quantile_seconds(0.5);
        live.http_p90_s = http_metrics.latency_quantile_seconds(0.9);
        live.http_p99_s = http_metrics.latency_quantile_seconds(0.99);
        live.url_cache_hits = checker.cache().hits();
        live.url_cache_misses = checker.cache().misses();
        live.url_model_name = rt.model.name;
        live.url_model_version = rt.model.version;
        live.write_queue_depth = queue_ptr->depth();
        live.write_queue_dropped = queue_ptr->dropped();
    });

    api::IntelRoutesOptions intel_options;
    intel_options.negative_cache_s = config.feed_refresh_s;
    api::add_intel_routes(router, intel.state, intel_options);
    api::SystemRoutesHooks hooks;
    hooks.degraded = [&traffic_service]() -> std::vector<std::string> {
        if (traffic_service.model() != nullptr) return {};
        return {traffic_service.unavailable_reason()};
    };
    hooks.not_ready_reason = [queue_ptr]() -> std::string {
        return queue_ptr->write_errors() > 0 && queue_ptr->written() == 0 ? "database writes are failing" : "";
    };
    hooks.render_metrics = [&](std::string& out) {
        http_metrics.append_prometheus(out);
        const auto& st = checker.stats();
        out += "# HELP vigil_url_verdicts_total URL verdicts computed (cache misses), by verdict.\n"
               "# TYPE vigil_url_verdicts_total counter\n";
        out += "vigil_url_verdicts_total{verdict=\"benign\"} " + std::to_string(st.benign.load()) + "\n";
        out += "vigil_url_verdicts_total{verdict=\"suspicious\"} " + std::to_string(st.suspicious.load()) + "\n";
        out += "vigil_url_verdicts_total{verdict=\"phishing\"} " + std::to_string(st.phishing.load()) + "\n";
        append_metric(out, "vigil_url_invalid_total", "URLs rejected as unparseable.", st.invalid.load());
        out += "# HELP vigil_explanations_total Explanations computed, by method.\n"
               "# TYPE vigil_explanations_total counter\n";
        out += "vigil_explanations_total{method=\"treeshap\"} " + std::to_string(st.exact_explanations.load()) + "\n";
        out += "vigil_explanations_total{method=\"path\"} " + std::to_string(st.path_explanations.load()) + "\n";
        append_metric(out, "vigil_background_explanations_total",
                       "Exact explanations computed on the idle thread and cached (explanations=background).",
                       checker.background_explained());
        append_metric(out, "vigil_background_explanations_dropped_total",
                       "Exact explanations not computed because the idle thread's queue was full.",
                       checker.background_dropped());
        append_metric(out, "vigil_rule_overrides_total", "Answers changed by a rule (feed, allow/deny list, ...).",
                       st.rule_overrides.load());
        append_metric(out, "vigil_intel_full_hashes", "Listed full hashes in the threat index.",
                       intel.state.snapshot()->size(), "gauge");
        append_metric(out, "vigil_cache_hits_total", "Verdict cache hits.", checker.cache().hits());
        append_metric(out, "vigil_cache_misses_total", "Verdict cache misses.", checker.cache().misses());
        append_metric(out, "vigil_cache_entries", "Verdicts in the cache.", checker.cache().size(), "gauge");
        append_metric(out, "vigil_write_queue_depth", "Rows waiting for the background writer.", queue_ptr->depth(),
                       "gauge");
        append_metric(out, "vigil_write_queue_dropped_total", "Rows dropped because the write queue was full.",
                       queue_ptr->dropped());
        append_metric(out, "vigil_write_queue_written_total", "Rows written to the database.", queue_ptr->written());
        append_metric(out, "vigil_write_queue_errors_total", "Failed write batches.", queue_ptr->write_errors());
        traffic_service.append_prometheus(out);
        if (live != nullptr) live->append_metrics(out);
    };
    api::add_system_routes(router, hooks);

    server::HttpServerOptions server_options;
    server_options.host = config.listen_host;
    server_options.port = config.listen_port;
    server_options.threads = config.threads;
    server_options.max_body_bytes = config.max_body_bytes;
    server_options.read_timeout = std::chrono::milliseconds(config.read_timeout_ms);
    server_options.scheduler_slice = std::chrono::microseconds(config.scheduler_slice_us);
    server::HttpServer server(server_options, router, http_metrics);
    server.add_event_feed("/ws/alerts", traffic_service.alert_feed());
    auto port = server.listen();
    if (!port) {
        std::cerr << "vigil serve: " << port.error().message << "\n";
        return 2;
    }
    // One parseable line so scripts and tests can find the port when they asked for port 0.
    std::cout << "vigil: listening on http://" << config.listen_host << ":" << *port << " model "
              << rt.model.name << "@" << rt.model.version << " db " << config.db_path.string() << std::endl;
    if (live != nullptr) {
        std::cout << "vigil: capturing on " << live->monitor().interface() << std::endl;
    }
    intel.refresher->start();
    server.run();
    intel.refresher->stop();
    if (*live_traffic) {
        (*live_traffic)->stop();  // the last connections reach the traffic service before it shuts down
        capture_job->finish(unix_ms());
    }
    queue->shutdown();
    traffic_service.shutdown();
    std::cout << "vigil: stopped; " << queue->written() << " rows written, " << queue->dropped() << " dropped; "
              << traffic_service.written() << " traffic records written, " << traffic_service.dropped()
              << " dropped" << std::endl;
    return 0;
}

int run_version(int, char**) {
    std::cout << "vigil 0.1.0 (features version " << features::kFeaturesVersion << ")\n";
    return 0;
}

}  // namespace vigil::cli
