// Time- and host-window counters are kept incrementally (add on entry, subtract on exit), so a
// connection costs a few hash lookups whatever the window holds (a SYN flood puts thousands of
// connections in 2 seconds).
#include "vigil/traffic/connection_features.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vigil::traffic {
namespace {

inline size_t hash_ip(const IpAddress& ip) {
    uint64_t lo = 0;
    uint64_t hi = 0;
    std::memcpy(&lo, ip.bytes.data(), 8);
    std::memcpy(&hi, ip.bytes.data() + 8, 8);
    return static_cast<size_t>((lo * 0x9E3779B97F4A7C15ULL) ^ (hi + ip.family) * 0xC2B2AE3D27D4EB4FULL);
}

// NSL-KDD stores rates with two decimals.
inline double rate(uint32_t part, uint32_t whole) {
    if (whole == 0) return 0.0;
    return std::round(100.0 * part / whole) / 100.0;
}

template <class Map, class Key>
void decrement(Map& map, const Key& key) {
    auto it = map.find(key);
    if (it == map.end()) return;
    if (--it->second == 0) map.erase(it);
}

}  // namespace

size_t ConnectionFeatureBuilder::HostHash::operator()(const IpAddress& ip) const noexcept { return hash_ip(ip); }

size_t ConnectionFeatureBuilder::HostServiceHash::operator()(const HostService& k) const noexcept {
    return hash_ip(k.host) ^ (static_cast<size_t>(k.extra) * 0x9E3779B97F4A7C15ULL);
}

void ConnectionFeatureBuilder::WindowCounts::add(const Entry& e, bool track_src_port) {
    Counts& h = by_host[e.host];
    ++h.n;
    h.serror += e.serror;
    h.rerror += e.rerror;
    Counts& s = by_service[e.service];
    ++s.n;
    s.serror += e.serror;
    s.rerror += e.rerror;
    ++by_host_service[HostService{e.host, e.service}];
    if (track_src_port) ++by_host_src_port[HostService{e.host, e.src_port}];
}

void ConnectionFeatureBuilder::WindowCounts::remove(const Entry& e, bool track_src_port) {
    if (auto it = by_host.find(e.host); it != by_host.end()) {
        Counts& h = it->second;
        --h.n;
        h.serror -= e.serror;
        h.rerror -= e.rerror;
        if (h.n == 0) by_host.erase(it);
    }
    Counts& s = by_service[e.service];
    --s.n;
    s.serror -= e.serror;
    s.rerror -= e.rerror;
    decrement(by_host_service, HostService{e.host, e.service});
    if (track_src_port) decrement(by_host_src_port, HostService{e.host, e.src_port});
}

ConnectionFeatureBuilder::ConnectionFeatureBuilder(FeatureWindowConfig config) : config_(config) {
    if (config_.host_window == 0) config_.host_window = 1;
    host_ring_.reserve(config_.host_window);
}

void ConnectionFeatureBuilder::build(const Connection& c, Record& out) {
    const std::string_view flag = nsl_kdd_flag(connection_flag(c));
    Entry e;
    e.last_us = c.last_us;
    e.host = c.resp;
    e.src_port = c.orig_port;
    e.service = service_id(c);
    e.serror = is_syn_error(flag);
    e.rerror = is_rej_error(flag);

    // Time window: connections that ended within the last 2 s of this one's end. Entries arrive
    // nearly in end order (the tracker sorts each batch), so evicting from the front is enough.
    while (!time_entries_.empty() && time_entries_.front().last_us < c.last_us - config_.time_window_us) {
        time_counts_.remove(time_entries_.front(), false);
        time_entries_.pop_front();
    }
    time_entries_.push_back(e);
    time_counts_.add(e, false);

    // Host window: the last N connections.
    if (host_ring_.size() < config_.host_window) {
        host_ring_.push_back(e);
    } else {
        host_counts_.remove(host_ring_[host_next_], true);
        host_ring_[host_next_] = e;
        host_next_ = (host_next_ + 1) % config_.host_window;
    }
    host_counts_.add(e, true);

    const Counts& t_host = time_counts_.by_host[e.host];
    const Counts& t_srv = time_counts_.by_service[e.service];
    const uint32_t t_pair = time_counts_.by_host_service[HostService{e.host, e.service}];
    const Counts& h_host = host_counts_.by_host[e.host];
    const Counts& h_srv = host_counts_.by_service[e.service];
    const uint32_t h_pair = host_counts_.by_host_service[HostService{e.host, e.service}];
    const uint32_t h_src_port = host_counts_.by_host_src_port[HostService{e.host, e.src_port}];

    out.values.resize(kNslKddFeatureNames.size());
    auto set = [&](size_t i, double v) { out.values[i].number = v; };
    for (auto& v : out.values) {
        v.number = 0;
        v.text.clear();
    }
    const int64_t duration_us = c.last_us - c.first_us;
    set(0, static_cast<double>(duration_us / 1'000'000));  // whole seconds, as in NSL-KDD
    out.values[1].text = protocol_name(c.protocol);
    out.values[2].text = service_name_of_id(e.service);
    out.values[3].text = flag;
    set(4, static_cast<double>(c.orig_bytes));
    set(5, static_cast<double>(c.resp_bytes));
    set(6, c.orig == c.resp && c.orig_port == c.resp_port ? 1.0 : 0.0);
    set(7, c.wrong_fragments);
    set(8, c.urgent_packets);
    // 9..21: content features, 0.
    // NSL-KDD's counts never exceed 511 (time window) and 255 (host window); a flood is past both anyway.
    set(22, std::min<uint32_t>(t_host.n, 511));
    set(23, std::min<uint32_t>(t_srv.n, 511));
    set(24, rate(t_host.serror, t_host.n));
    set(25, rate(t_srv.serror, t_srv.n));
    set(26, rate(t_host.rerror, t_host.n));
    set(27, rate(t_srv.rerror, t_srv.n));
    set(28, rate(t_pair, t_host.n));
    set(29, rate(t_host.n - t_pair, t_host.n));
    set(30, rate(t_srv.n - t_pair, t_srv.n));
    set(31, std::min<uint32_t>(h_host.n, 255));
    set(32, std::min<uint32_t>(h_srv.n, 255));
    set(33, rate(h_pair, h_host.n));
    set(34, rate(h_host.n - h_pair, h_host.n));
    set(35, rate(h_src_port, h_host.n));
    set(36, rate(h_srv.n - h_pair, h_srv.n));
    set(37, rate(h_host.serror, h_host.n));
    set(38, rate(h_srv.serror, h_srv.n));
    set(39, rate(h_host.rerror, h_host.n));
    set(40, rate(h_srv.rerror, h_srv.n));
}

}  // namespace vigil::traffic
