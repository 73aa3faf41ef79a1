#include "vigil/traffic/connection_rules.hpp"

#include "vigil/traffic/payload_signatures.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace vigil::traffic {
namespace {

constexpr int64_t kUsPerSecond = 1'000'000;

inline size_t hash_ip(size_t h, const IpAddress& ip) {
    uint64_t lo = 0;
    uint64_t hi = 0;
    std::memcpy(&lo, ip.bytes.data(), 8);
    std::memcpy(&hi, ip.bytes.data() + 8, 8);
    h ^= (lo * 0x9E3779B97F4A7C15ULL) + (h << 6) + (h >> 2);
    h ^= ((hi + ip.family) * 0xC2B2AE3D27D4EB4FULL) + (h << 6) + (h >> 2);
    return h;
}

void fire(TrafficVerdict& v, const char* family, double score, std::string_view rule, uint32_t counted) {
    v.attack = true;
    v.family = family;
    v.probability = std::max(v.probability, score);
    v.reasons.insert(v.reasons.begin(),
                     Contribution{"rule:" + std::string(rule), static_cast<double>(counted), 0.0});
}

}  // namespace

size_t ConnectionRules::PairHash::operator()(const PairKey& k) const noexcept {
    return hash_ip(hash_ip(k.port, k.src), k.dst);
}

ConnectionRules::ConnectionRules(ConnectionRulesConfig config) : config_(std::move(config)), auth_port_(65536, false) {
    for (uint16_t p : config_.bruteforce.ports) auth_port_[p] = true;
    if (config_.bruteforce.min_sessions == 0) config_.bruteforce.min_sessions = 1;
    if (config_.portscan.min_ports == 0) config_.portscan.min_ports = 1;
    if (config_.max_tracked_pairs == 0) config_.max_tracked_pairs = 1;
    if (config_.max_events_per_pair == 0) config_.max_events_per_pair = 1;
}

// Bounded state: when full, pairs idle for a whole window go; if that frees nothing (a spoofed flood
// makes every pair new), everything goes; the rules then restart from empty windows.
template <class Map>
void ConnectionRules::make_room(Map& map, int64_t now_us, int64_t window_us) {
    if (map.size() < config_.max_tracked_pairs) return;
    std::erase_if(map, [&](const auto& kv) { return now_us - kv.second.last_us > window_us; });
    if (map.size() >= config_.max_tracked_pairs) map.clear();
}

uint32_t ConnectionRules::bruteforce_count(const Connection& c) {
    const BruteForceRule& r = config_.bruteforce;
    if (!r.enabled || c.protocol != ip_proto::kTcp || !auth_port_[c.resp_port]) return 0;
    const int64_t window_us = r.window_s * kUsPerSecond;
    const PairKey key{c.orig, c.resp, c.resp_port};
    const bool session = c.orig_bytes > 0 && c.resp_bytes > 0 && c.last_us - c.first_us <= r.max_session_s * kUsPerSecond;
    auto it = sessions_.find(key);
    if (it == sessions_.end()) {
        if (!session) return 0;
        make_room(sessions_, c.last_us, window_us);
        it = sessions_.emplace(key, Sessions{}).first;
    }
    Sessions& s = it->second;
    while (!s.ends_us.empty() && s.ends_us.front() < c.last_us - window_us) s.ends_us.pop_front();
    if (session) {
        s.ends_us.push_back(c.last_us);
        if (s.ends_us.size() > config_.max_events_per_pair) s.ends_us.pop_front();
        s.last_us = std::max(s.last_us, c.last_us);
    }
    return static_cast<uint32_t>(s.ends_us.size());
}

uint32_t ConnectionRules::portscan_ports(const Connection& c) {
    const PortScanRule& r = config_.portscan;
    if (!r.enabled || (c.protocol != ip_proto::kTcp && c.protocol != ip_proto::kUdp)) return 0;
    const bool unanswered = c.resp_bytes == 0 && (c.protocol == ip_proto::kUdp || c.orig_bytes == 0);
    const int64_t window_us = r.window_s * kUsPerSecond;
    const PairKey key{c.orig, c.resp, 0};
    auto it = ports_.find(key);
    if (it == ports_.end()) {
        if (!unanswered) return 0;
        make_room(ports_, c.last_us, window_us);
        it = ports_.emplace(key, Ports{}).first;
    }
    Ports& p = it->second;
    auto drop_oldest = [&p] {
        auto count = p.counts.find(p.seen.front().second);
        if (count != p.counts.end() && --count->second == 0) p.counts.erase(count);
        p.seen.pop_front();
    };
    while (!p.seen.empty() && p.seen.front().first < c.last_us - window_us) drop_oldest();
    if (!unanswered) return 0;  // an answered connection is not part of a scan
    p.seen.emplace_back(c.last_us, c.resp_port);
    ++p.counts[c.resp_port];
    if (p.seen.size() > config_.max_events_per_pair) drop_oldest();
    p.last_us = std::max(p.last_us, c.last_us);
    return static_cast<uint32_t>(p.counts.size());
}

bool ConnectionRules::apply(const Connection& c, TrafficVerdict& verdict) {
    bool fired = false;
    if (const uint32_t n = bruteforce_count(c); n >= config_.bruteforce.min_sessions) {
        fire(verdict, "R2L", config_.bruteforce.score, "bruteforce", n);
        fired = true;
    }
    if (const uint32_t n = portscan_ports(c); n >= config_.portscan.min_ports && !fired) {
        fire(verdict, "Probe", config_.portscan.score, "portscan", n);
        fired = true;
    }
    if (config_.payload.enabled && c.payload_signatures != 0 && !fired) {
        fire(verdict, "R2L", config_.payload.score, payload_signature_name(c.payload_signatures), 1);
        fired = true;
    }
    return fired;
}

}  // namespace vigil::traffic
