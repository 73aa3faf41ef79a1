#pragma once
// Hand-made frames and packets for the traffic tests (no capture files needed).
#include <cstdint>
#include <vector>

#include "vigil/traffic/packet_decoder.hpp"

namespace vigil::traffic::testing {

struct Ipv4Spec {
    IpAddress src = IpAddress::v4(10, 0, 0, 1);
    IpAddress dst = IpAddress::v4(10, 0, 0, 2);
    uint8_t protocol = ip_proto::kTcp;
    uint16_t src_port = 40000;  // ICMP: type
    uint16_t dst_port = 80;     // ICMP: code
    uint8_t tcp_flags = tcp_flag::kSyn;
    uint32_t tcp_seq = 0;
    size_t payload = 0;
    uint16_t ip_id = 1;
    bool more_fragments = false;
    uint16_t fragment_offset_8 = 0;  // in 8-byte units
    bool transport_header = true;    // false for a non-first fragment
};

inline void put16(std::vector<uint8_t>& v, size_t at, uint16_t x) {
    v[at] = static_cast<uint8_t>(x >> 8);
    v[at + 1] = static_cast<uint8_t>(x);
}

// An IPv4 datagram (no link header).
inline std::vector<uint8_t> ipv4(const Ipv4Spec& s) {
    size_t l4 = 0;
    if (s.transport_header) {
        l4 = s.protocol == ip_proto::kTcp ? 20 : 8;
    }
    std::vector<uint8_t> p(20 + l4 + s.payload, 0);
    p[0] = 0x45;
    put16(p, 2, static_cast<uint16_t>(p.size()));
    put16(p, 4, s.ip_id);
    put16(p, 6, static_cast<uint16_t>((s.more_fragments ? 0x2000 : 0) | (s.fragment_offset_8 & 0x1FFF)));
    p[8] = 64;
    p[9] = s.protocol;
    for (int i = 0; i < 4; ++i) {
        p[12 + i] = s.src.bytes[i];
        p[16 + i] = s.dst.bytes[i];
    }
    if (s.transport_header) {
        if (s.protocol == ip_proto::kIcmp) {
            p[20] = static_cast<uint8_t>(s.src_port);
            p[21] = static_cast<uint8_t>(s.dst_port);
        } else {
            put16(p, 20, s.src_port);
            put16(p, 22, s.dst_port);
            if (s.protocol == ip_proto::kTcp) {
                put16(p, 24, static_cast<uint16_t>(s.tcp_seq >> 16));
                put16(p, 26, static_cast<uint16_t>(s.tcp_seq));
                p[32] = 0x50;
                p[33] = s.tcp_flags;
            } else {
                put16(p, 24, static_cast<uint16_t>(8 + s.payload));
            }
        }
    }
    return p;
}

inline std::vector<uint8_t> ethernet(const std::vector<uint8_t>& ip, uint16_t ethertype = 0x0800,
                                     int vlan_tags = 0) {
    std::vector<uint8_t> f(12, 0xAA);
    for (int i = 0; i < vlan_tags; ++i) {
        f.push_back(0x81);
        f.push_back(0x00);
        f.push_back(0x00);
        f.push_back(0x05);
    }
    f.push_back(static_cast<uint8_t>(ethertype >> 8));
    f.push_back(static_cast<uint8_t>(ethertype));
    f.insert(f.end(), ip.begin(), ip.end());
    return f;
}

// A decoded packet, as the tracker sees it.
inline PacketInfo tcp(int64_t ts_us, const IpAddress& src, uint16_t sport, const IpAddress& dst, uint16_t dport,
                      uint8_t flags, uint32_t payload = 0) {
    PacketInfo p;
    p.ts_us = ts_us;
    p.src = src;
    p.dst = dst;
    p.src_port = sport;
    p.dst_port = dport;
    p.protocol = ip_proto::kTcp;
    p.tcp_flags = flags;
    p.payload_bytes = payload;
    p.has_ports = true;
    return p;
}

inline PacketInfo udp(int64_t ts_us, const IpAddress& src, uint16_t sport, const IpAddress& dst, uint16_t dport,
                      uint32_t payload) {
    PacketInfo p = tcp(ts_us, src, sport, dst, dport, 0, payload);
    p.protocol = ip_proto::kUdp;
    return p;
}

inline PacketInfo icmp(int64_t ts_us, const IpAddress& src, const IpAddress& dst, uint8_t type, uint32_t payload) {
    PacketInfo p = tcp(ts_us, src, type, dst, 0, 0, payload);
    p.protocol = ip_proto::kIcmp;
    return p;
}

}  // namespace vigil::traffic::testing
