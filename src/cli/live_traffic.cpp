#include "live_traffic.hpp"

#include <cstdio>

#include <atomic>
#include <chrono>

#include "flow_json.hpp"
#include "prometheus_text.hpp"
#include "vigil/api/traffic_ingest.hpp"
#include "vigil/cli/runtime.hpp"
#include "vigil/cli/traffic_service.hpp"

namespace vigil::cli {

const char* live_traffic_help() {
    return "live traffic (scored with the packet-capture traffic model):\n"
           "  --capture IFACE          capture on IFACE (needs root or CAP_NET_RAW); attacks are logged\n"
           "                           to stderr as JSON lines and counted in /metrics\n"
           "  --capture-filter BPF     only packets matching this tcpdump filter\n"
           "  --capture-model DIR      packet model for --capture (default: models/traffic-packets)\n"
           "  --capture-rules on|off   brute-force and port-scan rules next to the model (default on)\n\n";
}

bool take_live_traffic_flag(std::string_view name, const std::string& value, LiveTrafficOptions& options) {
    if (name == "capture") {
        options.interface = value;
    } else if (name == "capture-filter") {
        options.filter = value;
    } else if (name == "capture-model") {
        options.model_dir = value;
    } else if (name == "capture-rules") {
        options.rules = value;  // checked by start_live_traffic
    } else {
        return false;
    }
    return true;
}

std::function<void(const traffic::ScoredConnection&)> traffic_service_sink(
    TrafficService& service, std::shared_ptr<api::TrafficJob> job, const LiveTraffic* const* live) {
    // Runs on the capture thread only, so the "last seen" counters need no lock.
    struct State {
        std::string source;
        uint64_t packets_reported = 0;
    };
    auto state = std::make_shared<State>();
    state->source = "live:" + job->name();
    return [&service, job = std::move(job), live, state](const traffic::ScoredConnection& s) {
        job->add_flows(1);
        if (*live != nullptr) {
            const auto stats = (*live)->monitor().stats();
            if (stats.capture.packets > state->packets_reported) {
                job->add_packets(stats.capture.packets - state->packets_reported, 0);
                state->packets_reported = stats.capture.packets;
            }
            job->set_drops(stats.capture.kernel_drops + stats.capture.interface_drops);
        }
        api::TrafficIngest* ingest = service.ingest();
        if (s.verdict == nullptr || ingest == nullptr) return;
        const auto& c = s.flow.connection;
        api::IngestContext context;
        context.source = state->source;
        context.job = job.get();
        context.connection.src_addr = c.orig.to_string();
        context.connection.dst_addr = c.resp.to_string();
        if (c.protocol != traffic::ip_proto::kIcmp) {
            context.connection.src_port = c.orig_port;
            context.connection.dst_port = c.resp_port;
        }
        context.connection.packets_out = c.orig_packets;
        context.connection.packets_in = c.resp_packets;
        ingest->ingest(s.flow.record, *s.verdict, context);
    };
}

LiveTraffic::~LiveTraffic() {
    if (monitor_) monitor_->stop();
}

Result<std::unique_ptr<LiveTraffic>> start_live_traffic(
    const LiveTrafficOptions& options, std::function<void(const traffic::ScoredConnection&)> on_scored) {
    if (options.interface.empty()) return std::unique_ptr<LiveTraffic>();
    if (options.rules != "on" && options.rules != "off") {
        return make_error(ErrorCode::kInvalidArgument, "--capture-rules needs on or off, not '" + options.rules + "'");
    }
    const auto model_dir =
        options.model_dir.empty() ? install_root() / "models" / "traffic-packets" : options.model_dir;
    std::unique_ptr<LiveTraffic> live(new LiveTraffic());
#ifdef VIGIL_HAVE_TRAFFIC_MODEL
    auto model = traffic::load_traffic_model(model_dir);
    if (!model) {
        return make_error(model.error().code,
                          "--capture: cannot load the capture model (--capture-model) from " + model_dir.string() +
                              ": " + model.error().message);
    }
    live->model_ = std::move(model.value());
#else
    return make_error(ErrorCode::kNotFound, "--capture: this build has no traffic model support (" +
                                                model_dir.string() + " cannot be loaded)");
#endif
    traffic::LiveCaptureOptions capture;
    capture.interface = options.interface;
    capture.bpf_filter = options.filter;
    capture.rules.bruteforce.enabled = options.rules == "on";
    capture.rules.portscan.enabled = options.rules == "on";
    capture.rules.payload.enabled = options.rules == "on";
    auto sink = [on_scored = std::move(on_scored)](const traffic::ScoredConnection& s) {
        if (s.verdict != nullptr && s.verdict->attack) {
            std::string line;
            append_flow_json(line, s, false);
            line += '\n';
            std::fwrite(line.data(), 1, line.size(), stderr);
        }
        if (on_scored) on_scored(s);
    };
    auto monitor = traffic::LiveTrafficMonitor::start(std::move(capture), live->model_.get(), std::move(sink));
    if (!monitor) return monitor.error();
    live->monitor_ = std::move(monitor.value());
    return live;
}

void LiveTraffic::append_metrics(std::string& out) const {
    const auto s = monitor_->stats();
    auto line = [&](const char* name, const char* help, const char* type, uint64_t v) {
        append_metric(out, name, help, v, type);
    };
    line("vigil_capture_packets_total", "Packets read from the capture interface.", "counter", s.capture.packets);
    line("vigil_capture_decode_errors_total", "Captured frames that could not be decoded.", "counter",
         s.capture.decode_errors);
    line("vigil_capture_kernel_drops_total", "Packets the kernel dropped (capture buffer full).", "counter",
         s.capture.kernel_drops);
    line("vigil_capture_connections_total", "Connections finished and scored.", "counter", s.capture.connections);
    line("vigil_capture_active_connections", "Connections open in the flow table.", "gauge",
         s.capture.active_connections);
    line("vigil_capture_score_errors_total", "Connections the traffic model refused.", "counter", s.score_errors);
    out += "# HELP vigil_capture_attacks_total Connections predicted as attacks, by family.\n"
           "# TYPE vigil_capture_attacks_total counter\n";
    for (const auto& [family, n] : s.attacks_by_family) {
        out += "vigil_capture_attacks_total{family=\"" + family + "\"} " + std::to_string(n) + "\n";
    }
}

}  // namespace vigil::cli
