#pragma once
// Transparent rules next to the packet model, as an IDS has them: they see patterns across connections
// that one NSL-KDD record cannot show without payload (a password-guessing run) or that the model's
// family head confuses (a port scan of one host versus a flood of one port). A rule hit makes the
// verdict an attack of the rule's family, raises its probability to at least `score`, and puts a
// "rule:<name>" reason first (value: what the rule counted). Single-threaded: call apply() in the order
// connections finish (the pipeline's sink does).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>
#include <unordered_map>
#include <vector>

#include "vigil/traffic/connection_tracker.hpp"
#include "vigil/traffic/traffic_model.hpp"

namespace vigil::traffic {

struct BruteForceRule {
    bool enabled = true;
    // N or more sessions (payload both ways, at most max_session_s long) from one source to the same
    // host and authentication port within window_s: password guessing (R2L). Every connection on that
    // source/host/port is flagged while the window holds N sessions.
    uint32_t min_sessions = 10;
    int64_t window_s = 60;
    int64_t max_session_s = 30;
    // ftp, ssh, telnet, rlogin, pop3, imap, smtps, submission, imaps, pop3s, rdp, vnc. Not smtp (25):
    // mail servers deliver to each other in many short sessions.
    std::vector<uint16_t> ports = {21, 22, 23, 513, 110, 143, 465, 587, 993, 995, 3389, 5900};
    double score = 0.8;
};

struct PortScanRule {
    bool enabled = true;
    // Connections that got no payload back (TCP: none either way), from one source to one host, on
    // at least min_ports distinct ports within window_s: a port scan (Probe), whatever the model's
    // family head says. A flood of one port never reaches it.
    uint32_t min_ports = 10;
    int64_t window_s = 60;
    double score = 0.8;
};

struct PayloadRule {
    bool enabled = true;
    // The connection carried a plain-text HTTP request matching a payload signature (SQL injection, path
    // traversal, command injection: payload_signatures.hpp): a remote attack on a web application (R2L).
    double score = 0.8;
};

struct ConnectionRulesConfig {
    BruteForceRule bruteforce;
    PortScanRule portscan;
    PayloadRule payload;
    size_t max_tracked_pairs = 65'536;  // source/host pairs kept per rule; stale ones go first
    size_t max_events_per_pair = 65'536; // connections remembered per pair (a flood's window is cut short)
};

class ConnectionRules {
public:
    explicit ConnectionRules(ConnectionRulesConfig config = {});

    // Updates the rule state with c and, when a rule fires, rewrites `verdict` (see the file comment).
    // Returns true when a rule fired.
    bool apply(const Connection& c, TrafficVerdict& verdict);

    const ConnectionRulesConfig& config() const { return config_; }

private:
    struct PairKey {
        IpAddress src;
        IpAddress dst;
        uint16_t port = 0;  // brute force: the service port; port scan: 0
        bool operator==(const PairKey&) const = default;
    };
    struct PairHash {
        size_t operator()(const PairKey& k) const noexcept;
    };
    struct Sessions {
        std::deque<int64_t> ends_us;  // session end times inside the window
        int64_t last_us = 0;
    };
    struct Ports {
        std::deque<std::pair<int64_t, uint16_t>> seen;  // (end time, port) inside the window
        std::unordered_map<uint16_t, uint32_t> counts;
        int64_t last_us = 0;
    };

    uint32_t bruteforce_count(const Connection& c);
    uint32_t portscan_ports(const Connection& c);
    template <class Map>
    void make_room(Map& map, int64_t now_us, int64_t window_us);

    ConnectionRulesConfig config_;
    std::vector<bool> auth_port_;  // 65536 entries
    std::unordered_map<PairKey, Sessions, PairHash> sessions_;
    std::unordered_map<PairKey, Ports, PairHash> ports_;
};

}  // namespace vigil::traffic
