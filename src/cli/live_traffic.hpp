#pragma once
// `vigil serve --capture IFACE`: live capture scored by the packet model, wired into serve with
// three calls (take the flags, start, render metrics). Attacks are written to stderr as JSON lines;
// every scored connection is handed to `on_scored` (where traffic ingest — storage, alerts, the
// monitor route — plugs in).
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/api/traffic_monitor.hpp"
#include "vigil/core/result.hpp"
#include "vigil/traffic/live_monitor.hpp"

namespace vigil::cli {

struct LiveTrafficOptions {
    std::string interface;         // --capture IFACE (empty: no live capture)
    std::string filter;            // --capture-filter BPF
    std::filesystem::path model_dir;  // --capture-model DIR (default models/traffic-packets)
    std::string rules = "on";         // --capture-rules on|off (brute-force and port-scan rules)
};

// Help lines for serve --help.
const char* live_traffic_help();
// Consumes serve's --capture, --capture-filter and --capture-model; false for any other flag (--traffic-model is the
// /api/v1/predict model, a config setting).
bool take_live_traffic_flag(std::string_view name, const std::string& value, LiveTrafficOptions& options);

class LiveTraffic {
public:
    ~LiveTraffic();
    const traffic::LiveTrafficMonitor& monitor() const { return *monitor_; }
    void stop() { monitor_->stop(); }
    // Prometheus text: packets, drops, connections, attacks by family.
    void append_metrics(std::string& out) const;

private:
    friend Result<std::unique_ptr<LiveTraffic>> start_live_traffic(
        const LiveTrafficOptions&, std::function<void(const traffic::ScoredConnection&)>);
    std::unique_ptr<traffic::TrafficModel> model_;
    std::unique_ptr<traffic::LiveTrafficMonitor> monitor_;
};

class TrafficService;

// The sink that hands every scored live connection to the traffic service (traffic_records/predictions,
// alerts in `threats` and on /ws/alerts, the monitor job's counters and recent verdicts) and keeps the
// job's packet and drop counts current. `live` is read for the capture counters once it is set.
std::function<void(const traffic::ScoredConnection&)> traffic_service_sink(
    TrafficService& service, std::shared_ptr<api::TrafficJob> job, const LiveTraffic* const* live);

// Null when no interface was asked for. Without a traffic model in the build or on disk this is an error.
Result<std::unique_ptr<LiveTraffic>> start_live_traffic(
    const LiveTrafficOptions& options, std::function<void(const traffic::ScoredConnection&)> on_scored = {});

}  // namespace vigil::cli
