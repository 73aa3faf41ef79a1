// vigil pcap FILE: connections and verdicts from a packet capture (pcap/pcapng, optionally .gz).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "flow_json.hpp"
#include "vigil/cli/pcap_commands.hpp"
#include "vigil/cli/runtime.hpp"
#include "vigil/traffic/capture_analysis.hpp"

namespace vigil::cli {
namespace {

constexpr const char* kPcapHelp = R"(usage: vigil pcap FILE [--json] [--model DIR | --no-model] [options]

Reads a packet capture (pcap or pcapng, gzip-compressed or not), assembles bidirectional
connections (TCP states as NSL-KDD flags, UDP/ICMP timeouts), computes their NSL-KDD features
and scores each one with the packet-capture traffic model. Prints one line per connection,
then a summary line (packets, decode errors, connections, attacks by family).

options:
  --json            one JSON object per line (Suricata EVE-like: src_ip, dest_port, flow {...},
                    verdict {prediction, family, probability, severity, reasons}), then a summary
  --model DIR       traffic model directory (default: models/traffic-packets of this installation)
  --no-model        no scoring: connections and features only
  --features        include the 41 NSL-KDD feature values of every connection (JSON output)
  --attacks-only    print only the connections predicted as attacks (the summary counts all)
  --host-window N   connections in the host-based window (default 255, as NSL-KDD)
  --quiet           no progress bar
rules (next to the model; a hit makes the connection an attack with a "rule:NAME" reason):
  --no-rules        the model's verdicts only
  --bruteforce-sessions N   brute force (R2L): N sessions from one source to one host's
                    authentication port (ftp, ssh, telnet, pop3, imap, rdp, vnc...) (default 10)
  --bruteforce-window S     ... within S seconds (default 60)
  --portscan-ports N        port scan (Probe): unanswered connections from one source to N
                    distinct ports of one host (default 10)
  --portscan-window S       ... within S seconds (default 60)
  payload signatures (R2L, always on unless --no-rules): a plain-text HTTP request of the
                    connection carries SQL injection, path traversal or command injection
                    (the first 8 KiB each client sends; reason rule:sql-injection ...)
Content features (hot, num_failed_logins, logged_in, ... columns 10-22) are not computed from
packets and are 0; the packet model is trained without them.
Exit status: 0 done, 1 the capture is corrupt part-way (what was read is reported), 2 usage or
load error.
)";

// A progress bar on a terminal only: JSON on stdout stays clean, logs stay quiet.
class Progress {
public:
    explicit Progress(bool enabled) : enabled_(enabled && isatty(fileno(stderr)) == 1) {}
    void update(size_t done, size_t total) {
        if (!enabled_ || total == 0) return;
        constexpr int kWidth = 30;
        const int filled = static_cast<int>(static_cast<double>(done) / static_cast<double>(total) * kWidth);
        std::string bar(static_cast<size_t>(std::min(filled, kWidth)), '#');
        bar.resize(kWidth, '.');
        std::fprintf(stderr, "\r  [%s] %5.1f%%  %zu/%zu MB ", bar.c_str(), 100.0 * static_cast<double>(done) / total,
                     done >> 20, total >> 20);
        std::fflush(stderr);
        open_ = true;
    }
    void end() {
        if (open_) std::fputs("\r\033[K", stderr);
        open_ = false;
    }

private:
    bool enabled_;
    bool open_ = false;
};

void append_flow_text(std::string& out, const traffic::ScoredConnection& s) {
    const auto& c = s.flow.connection;
    char buf[160];
    const bool icmp = c.protocol == traffic::ip_proto::kIcmp;
    out += c.orig.to_string();
    if (!icmp) {
        out += ':';
        out += std::to_string(c.orig_port);
    }
    out += " -> ";
    out += c.resp.to_string();
    if (!icmp) {
        out += ':';
        out += std::to_string(c.resp_port);
    }
    std::snprintf(buf, sizeof buf, "  %s %.*s %.*s  pkts %u/%u bytes %llu/%llu", std::string(traffic::protocol_name(c.protocol)).c_str(),
                  static_cast<int>(s.flow.service.size()), s.flow.service.data(), static_cast<int>(s.flow.flag.size()),
                  s.flow.flag.data(), c.orig_packets, c.resp_packets, static_cast<unsigned long long>(c.orig_bytes),
                  static_cast<unsigned long long>(c.resp_bytes));
    out += buf;
    if (s.verdict != nullptr) {
        std::snprintf(buf, sizeof buf, "  %s %s p=%.3f", s.verdict->attack ? "ATTACK" : "normal",
                      s.verdict->family.c_str(), s.verdict->probability);
        out += buf;
    } else if (s.score_error != nullptr) {
        out += "  error: " + *s.score_error;
    }
}

Result<std::unique_ptr<traffic::TrafficModel>> load_model(const std::filesystem::path& dir) {
#ifdef VIGIL_HAVE_TRAFFIC_MODEL
    return traffic::load_traffic_model(dir);
#else
    return make_error(ErrorCode::kNotFound, "this build has no traffic model support (the traffic model library "
                                            "is not part of it); use --no-model, or build with it (" +
                                                dir.string() + ")");
#endif
}

}  // namespace

int run_pcap(int argc, char** argv) {
    std::filesystem::path model_dir = install_root() / "models" / "traffic-packets";
    std::string file;
    bool json = false;
    bool no_model = false;
    bool features = false;
    bool attacks_only = false;
    bool quiet = false;
    traffic::PipelineConfig pipeline;
    traffic::ConnectionRulesConfig rules;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto need_value = [&](const char* name) -> const char* {
            if (i + 1 >= argc) {
                std::cerr << "vigil pcap: " << name << " needs a value\n";
                return nullptr;
            }
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            std::cout << kPcapHelp;
            return 0;
        } else if (a == "--json") {
            json = true;
        } else if (a == "--no-model") {
            no_model = true;
        } else if (a == "--features") {
            features = true;
        } else if (a == "--attacks-only") {
            attacks_only = true;
        } else if (a == "--quiet") {
            quiet = true;
        } else if (a == "--model") {
            const char* v = need_value("--model");
            if (v == nullptr) return 2;
            model_dir = v;
        } else if (a == "--host-window") {
            const char* v = need_value("--host-window");
            if (v == nullptr) return 2;
            char* end = nullptr;
            const long n = std::strtol(v, &end, 10);
            if (end == v || *end != '\0' || n < 1 || n > 100000) {
                std::cerr << "vigil pcap: --host-window needs a number from 1 to 100000\n";
                return 2;
            }
            pipeline.features.host_window = static_cast<size_t>(n);
        } else if (a == "--no-rules") {
            rules.bruteforce.enabled = false;
            rules.portscan.enabled = false;
            rules.payload.enabled = false;
        } else if (a == "--bruteforce-sessions" || a == "--bruteforce-window" || a == "--portscan-ports" ||
                   a == "--portscan-window") {
            const std::string name(a);
            const char* v = need_value(name.c_str());
            if (v == nullptr) return 2;
            char* end = nullptr;
            const long n = std::strtol(v, &end, 10);
            if (end == v || *end != '\0' || n < 1 || n > 86400) {
                std::cerr << "vigil pcap: " << name << " needs a number from 1 to 86400\n";
                return 2;
            }
            if (a == "--bruteforce-sessions") rules.bruteforce.min_sessions = static_cast<uint32_t>(n);
            if (a == "--bruteforce-window") rules.bruteforce.window_s = n;
            if (a == "--portscan-ports") rules.portscan.min_ports = static_cast<uint32_t>(n);
            if (a == "--portscan-window") rules.portscan.window_s = n;
        } else if (a.size() > 1 && a[0] == '-') {
            std::cerr << "vigil pcap: unknown option '" << a << "'\n" << kPcapHelp;
            return 2;
        } else if (file.empty()) {
            file = a;
        } else {
            std::cerr << "vigil pcap: one capture file at a time ('" << a << "' is extra)\n";
            return 2;
        }
    }
    if (file.empty()) {
        std::cerr << kPcapHelp;
        return 2;
    }
    if (attacks_only && no_model) {
        std::cerr << "vigil pcap: --attacks-only needs a model (drop --no-model)\n";
        return 2;
    }
    std::unique_ptr<traffic::TrafficModel> model;
    if (!no_model) {
        auto loaded = load_model(model_dir);
        if (!loaded) {
            std::cerr << "vigil pcap: cannot load the traffic model from " << model_dir.string() << ": "
                      << loaded.error().message << "\n";
            return 2;
        }
        model = std::move(loaded.value());
    }
    const auto started = std::chrono::steady_clock::now();
    auto capture = traffic::PcapFile::open(file);
    if (!capture) {
        std::cerr << "vigil pcap: " << capture.error().message << "\n";
        return 2;
    }
    Progress progress(!quiet);
    std::string line;
    traffic::CaptureAnalysisOptions options;
    options.pipeline = pipeline;
    options.model = model.get();
    options.rules = rules;
    options.on_progress = [&](size_t done, size_t total) { progress.update(done, total); };
    options.on_connection = [&](const traffic::ScoredConnection& s) {
        if (attacks_only && (s.verdict == nullptr || !s.verdict->attack)) return;
        line.clear();
        if (json) {
            append_flow_json(line, s, features);
        } else {
            append_flow_text(line, s);
        }
        line += '\n';
        progress.end();
        std::fwrite(line.data(), 1, line.size(), stdout);
    };
    auto summary = traffic::analyze_capture(*capture, options);
    progress.end();
    std::fflush(stdout);
    if (!summary) {
        std::cerr << "vigil pcap: " << summary.error().message << "\n";
        return 1;
    }
    const double took_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    line.clear();
    if (json) {
        append_summary_json(line, *summary, file, took_ms);
    } else {
        const auto& s = *summary;
        line = "summary: " + std::to_string(s.packets) + " packets, " + std::to_string(s.decode_errors) +
               " decode errors, " + std::to_string(s.connections) + " connections";
        if (model) {
            line += ", " + std::to_string(s.attacks) + " attacks";
            for (const auto& [family, n] : s.attacks_by_family) line += " " + family + "=" + std::to_string(n);
        }
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    return 0;
}

}  // namespace vigil::cli
