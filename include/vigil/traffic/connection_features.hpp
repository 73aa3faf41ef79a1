#pragma once
// NSL-KDD features of finished connections: the intrinsic ones (duration, protocol_type, service, flag,
// src_bytes, dst_bytes, land, wrong_fragment, urgent), the time-based ones over the connections that
// ended in the last 2 seconds and the host-based ones over the last 255 connections. The content
// features (hot ... is_guest_login, columns 10-22) need application payload inspection and stay 0;
// models/traffic-packets/ is trained without them.
#include <array>
#include <cstdint>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/traffic/connection_tracker.hpp"
#include "vigil/traffic/record.hpp"

namespace vigil::traffic {

// NSL-KDD's 41 feature columns in file order (the order of nsl_kdd_schema()).
inline constexpr std::array<std::string_view, 41> kNslKddFeatureNames = {
    "duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "land", "wrong_fragment", "urgent",
    "hot", "num_failed_logins", "logged_in", "num_compromised", "root_shell", "su_attempted", "num_root",
    "num_file_creations", "num_shells", "num_access_files", "num_outbound_cmds", "is_host_login", "is_guest_login",
    "count", "srv_count", "serror_rate", "srv_serror_rate", "rerror_rate", "srv_rerror_rate", "same_srv_rate",
    "diff_srv_rate", "srv_diff_host_rate", "dst_host_count", "dst_host_srv_count", "dst_host_same_srv_rate",
    "dst_host_diff_srv_rate", "dst_host_same_src_port_rate", "dst_host_srv_diff_host_rate", "dst_host_serror_rate",
    "dst_host_srv_serror_rate", "dst_host_rerror_rate", "dst_host_srv_rerror_rate"};

// Columns a packet capture cannot fill (always 0 in records built here).
inline constexpr size_t kFirstContentFeature = 9;   // hot
inline constexpr size_t kLastContentFeature = 21;   // is_guest_login

// NSL-KDD service name of a connection, from the responder's port (TCP/UDP) or the ICMP type:
// "http", "ftp", "domain_u", "eco_i", ...; unknown ports are "private" (>= 49152) or "other".
std::string_view service_name(const Connection& c);
// A small dense id for the same service (index into an internal table), for counting.
uint8_t service_id(const Connection& c);
std::string_view service_name_of_id(uint8_t id);
inline constexpr size_t kServiceIdCount = 96;

std::string_view protocol_name(uint8_t protocol);  // "tcp", "udp", "icmp"

struct FeatureWindowConfig {
    int64_t time_window_us = 2'000'000;  // "the past two seconds"
    // The papers say "the past 100 connections", but NSL-KDD's dst_host_count and dst_host_srv_count
    // run to 255 (59 % of KDDTrain+ rows sit at 255), and in rows where neither is capped, connections
    // to this host plus same-service connections to other hosts never exceed ~255: both counts come
    // from one window of the last 255 connections.
    size_t host_window = 255;
};

// Feeds finished connections in order and computes each one's record. The windows include the
// connection itself, as in NSL-KDD (count >= 1).
class ConnectionFeatureBuilder {
public:
    explicit ConnectionFeatureBuilder(FeatureWindowConfig config = {});

    // Fills `out` (41 values in kNslKddFeatureNames order; reuses its storage) and adds c to the windows.
    void build(const Connection& c, Record& out);

private:
    struct Counts {
        uint32_t n = 0;
        uint32_t serror = 0;
        uint32_t rerror = 0;
    };
    struct Entry {
        int64_t last_us = 0;
        IpAddress host;
        uint16_t src_port = 0;
        uint8_t service = 0;
        bool serror = false;
        bool rerror = false;
    };
    struct HostHash {
        size_t operator()(const IpAddress& ip) const noexcept;
    };
    struct HostService {
        IpAddress host;
        uint32_t extra = 0;  // service id or source port
        bool operator==(const HostService&) const = default;
    };
    struct HostServiceHash {
        size_t operator()(const HostService& k) const noexcept;
    };
    // Counters over one window (time or last-N), updated as entries come and go.
    struct WindowCounts {
        std::unordered_map<IpAddress, Counts, HostHash> by_host;
        std::array<Counts, kServiceIdCount> by_service{};
        std::unordered_map<HostService, uint32_t, HostServiceHash> by_host_service;
        std::unordered_map<HostService, uint32_t, HostServiceHash> by_host_src_port;
        void add(const Entry& e, bool track_src_port);
        void remove(const Entry& e, bool track_src_port);
    };

    FeatureWindowConfig config_;
    std::deque<Entry> time_entries_;
    WindowCounts time_counts_;
    std::vector<Entry> host_ring_;
    size_t host_next_ = 0;
    WindowCounts host_counts_;
};

}  // namespace vigil::traffic
