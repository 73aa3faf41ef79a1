#pragma once
// Bidirectional connection assembly: packets -> connections with Zeek-style endpoint states, the
// NSL-KDD `flag`, byte/packet counts per direction, wrong fragments and urgent packets. A connection
// is handed to the sink when it closes (after a short linger), when it idles out, or at flush().
// Single-threaded; timestamps come from the packets, so a pcap file replays exactly like live traffic.
#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/traffic/packet_decoder.hpp"

namespace vigil::traffic {

// Zeek's TCP endpoint states (the NSL-KDD flags derive from them).
enum class TcpEndpointState : uint8_t { kInactive, kSynSent, kSynAckSent, kPartial, kEstablished, kClosed, kReset };

struct Connection {
    uint64_t id = 0;  // unique per tracker, in order of first packet
    IpAddress orig;
    IpAddress resp;
    uint16_t orig_port = 0;  // ICMP: the request type both directions share
    uint16_t resp_port = 0;  // ICMP: the first packet's type
    uint8_t protocol = 0;    // ip_proto::kTcp / kUdp / kIcmp (ICMPv6 is folded into kIcmp)
    int64_t first_us = 0;
    int64_t last_us = 0;
    // Payload bytes, originator -> responder: TCP counts new sequence space, as Zeek (where the NSL-KDD
    // byte counts come from) does, so retransmissions and keep-alive probes add nothing.
    uint64_t orig_bytes = 0;
    uint64_t resp_bytes = 0;
    uint32_t orig_packets = 0;
    uint32_t resp_packets = 0;
    uint32_t wrong_fragments = 0;
    uint32_t urgent_packets = 0;
    TcpEndpointState orig_state = TcpEndpointState::kInactive;
    TcpEndpointState resp_state = TcpEndpointState::kInactive;
    uint8_t orig_flags_seen = 0;  // union of TCP flags sent by each side
    uint8_t resp_flags_seen = 0;
    int64_t closed_us = -1;       // when both FINs or a RST were seen
    uint32_t orig_next_seq = 0;   // end of the highest sequence space seen from each side
    uint32_t resp_next_seq = 0;
    bool orig_seq_seen = false;
    bool resp_seq_seen = false;
    // payload_signature bits found in the originator's plain-text HTTP requests (payload_signatures.hpp),
    // and how many of its payload bytes were inspected (bounded per connection).
    uint8_t payload_signatures = 0;
    uint32_t inspected_bytes = 0;
};

// Payload bytes a TCP segment adds to its direction's count: the sequence space beyond what was seen
// (a gap the capture missed counts, as in Zeek; a jump of more than 1 MiB counts the segment only).
// Without a sequence number (hand-made packets), the payload size.
uint32_t new_tcp_bytes(uint32_t seq, bool syn, uint32_t payload, uint32_t& next_seq, bool& seen);

// NSL-KDD flag: "SF", "S0", "REJ", ... (UDP and ICMP connections are "SF", as in NSL-KDD).
std::string_view connection_flag(const Connection& c);
// Flags NSL-KDD's serror/rerror rates count: S0-S3 and SH; REJ and the resets RSTO, RSTOS0, RSTR(H).
bool is_syn_error(std::string_view flag);
bool is_rej_error(std::string_view flag);
// The flag as NSL-KDD spells it (its 11 values): RSTRH -> RSTR, SHR -> OTH, others unchanged.
std::string_view nsl_kdd_flag(std::string_view flag);

struct TrackerConfig {
    int64_t tcp_attempt_timeout_us = 5'000'000;   // a connection not yet established
    int64_t tcp_idle_timeout_us = 300'000'000;    // an established one
    int64_t tcp_close_linger_us = 1'000'000;      // after FIN+FIN or RST, late packets still belong here
    int64_t udp_idle_timeout_us = 60'000'000;
    int64_t icmp_idle_timeout_us = 60'000'000;
    size_t max_connections = 1'000'000;           // when full: timeouts first, then the oldest 1/16 are finished
    size_t max_pending_fragments = 65'536;
    uint32_t max_inspected_bytes = 8192;          // originator payload per connection checked for signatures
};

struct TrackerStats {
    uint64_t packets = 0;          // packets given to add()
    uint64_t ignored = 0;          // not TCP/UDP/ICMP, or a fragment whose first part we never saw
    uint64_t connections = 0;      // handed to the sink
    uint64_t evicted_early = 0;    // finished because the table was full
};

class ConnectionTracker {
public:
    using Sink = std::function<void(const Connection&)>;

    ConnectionTracker(TrackerConfig config, Sink sink);

    void add(const PacketInfo& packet);
    // Finishes connections idle at `now_us` (called by add() as time advances; live capture calls it
    // when no packet arrives).
    void expire(int64_t now_us);
    // End of capture: every remaining connection, in order of last activity.
    void flush();

    size_t active() const { return table_.size(); }
    const TrackerStats& stats() const { return stats_; }

private:
    struct Key {
        IpAddress a;
        IpAddress b;
        uint16_t port_a = 0;
        uint16_t port_b = 0;
        uint8_t protocol = 0;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const noexcept;
    };
    struct FragmentKey {
        IpAddress src;
        IpAddress dst;
        uint32_t id = 0;
        uint8_t protocol = 0;
        bool operator==(const FragmentKey&) const = default;
    };
    struct FragmentHash {
        size_t operator()(const FragmentKey& k) const noexcept;
    };
    struct FragmentPorts {
        uint16_t src_port = 0;
        uint16_t dst_port = 0;
        int64_t seen_us = 0;
    };

    bool resolve_fragment(PacketInfo& packet);
    void finish(std::unordered_map<Key, Connection, KeyHash>::iterator it);
    bool idle(const Connection& c, int64_t now_us) const;
    void finish_batch(std::vector<Connection>& batch);
    void evict_oldest();

    TrackerConfig config_;
    Sink sink_;
    std::unordered_map<Key, Connection, KeyHash> table_;
    std::unordered_map<FragmentKey, FragmentPorts, FragmentHash> fragments_;
    std::vector<Connection> batch_;
    TrackerStats stats_;
    uint64_t next_id_ = 1;
    int64_t last_sweep_us_ = 0;
};

}  // namespace vigil::traffic
