// Link layer -> IPv4/IPv6 -> TCP/UDP/ICMP. Every read is checked against the captured length.
#include "vigil/traffic/packet_decoder.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace vigil::traffic {
namespace {

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86DD;
constexpr uint16_t kEtherVlan = 0x8100;
constexpr uint16_t kEtherQinQ = 0x88A8;
constexpr uint16_t kEtherQinQOld = 0x9100;
constexpr int kMaxVlanTags = 4;
constexpr int kMaxIpv6ExtensionHeaders = 8;

inline uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
inline uint32_t be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

// Transport header of a datagram whose first `captured` bytes are at l4 and whose length on the wire is
// `wire_len`. Fills ports, flags and payload size.
DecodeStatus decode_transport(const uint8_t* l4, size_t captured, size_t wire_len, PacketInfo& out) {
    switch (out.protocol) {
        case ip_proto::kTcp: {
            if (wire_len < 20) return DecodeStatus::kMalformed;
            if (captured < 20) return DecodeStatus::kTruncated;
            const size_t header = static_cast<size_t>(l4[12] >> 4) * 4;
            if (header < 20 || header > wire_len) return DecodeStatus::kMalformed;
            out.src_port = be16(l4);
            out.dst_port = be16(l4 + 2);
            out.tcp_flags = l4[13] & 0x3F;
            out.tcp_seq = be32(l4 + 4);
            out.has_seq = true;
            out.payload_bytes = static_cast<uint32_t>(wire_len - header);
            if (captured > header) {
                out.payload = l4 + header;
                out.payload_captured = static_cast<uint32_t>(std::min(captured, wire_len) - header);
            }
            out.has_ports = true;
            return DecodeStatus::kOk;
        }
        case ip_proto::kUdp: {
            if (wire_len < 8) return DecodeStatus::kMalformed;
            if (captured < 8) return DecodeStatus::kTruncated;
            out.src_port = be16(l4);
            out.dst_port = be16(l4 + 2);
            out.payload_bytes = static_cast<uint32_t>(wire_len - 8);
            if (captured > 8) {
                out.payload = l4 + 8;
                out.payload_captured = static_cast<uint32_t>(std::min(captured, wire_len) - 8);
            }
            out.has_ports = true;
            return DecodeStatus::kOk;
        }
        case ip_proto::kIcmp:
        case ip_proto::kIcmpV6: {
            if (wire_len < 4) return DecodeStatus::kMalformed;
            if (captured < 4) return DecodeStatus::kTruncated;
            out.src_port = l4[0];
            out.dst_port = l4[1];
            out.payload_bytes = wire_len >= 8 ? static_cast<uint32_t>(wire_len - 8) : 0;
            out.has_ports = true;
            return DecodeStatus::kOk;
        }
        default:
            out.payload_bytes = static_cast<uint32_t>(wire_len);
            return DecodeStatus::kOk;
    }
}

size_t min_transport_header(uint8_t protocol) {
    switch (protocol) {
        case ip_proto::kTcp: return 20;
        case ip_proto::kUdp: return 8;
        case ip_proto::kIcmp:
        case ip_proto::kIcmpV6: return 8;
        default: return 0;
    }
}

DecodeStatus decode_ipv4(const uint8_t* p, size_t len, PacketInfo& out) {
    if (len < 20) return DecodeStatus::kTruncated;
    if ((p[0] >> 4) != 4) return DecodeStatus::kMalformed;
    const size_t header = static_cast<size_t>(p[0] & 0x0F) * 4;
    const size_t total = be16(p + 2);
    if (header < 20 || total < header) return DecodeStatus::kMalformed;
    if (len < header) return DecodeStatus::kTruncated;
    out.src = IpAddress{};
    out.dst = IpAddress{};
    out.src.family = out.dst.family = 4;
    std::memcpy(out.src.bytes.data(), p + 12, 4);
    std::memcpy(out.dst.bytes.data(), p + 16, 4);
    out.protocol = p[9];
    const uint16_t frag = be16(p + 6);
    const bool more_fragments = (frag & 0x2000) != 0;
    const size_t offset = static_cast<size_t>(frag & 0x1FFF) * 8;
    const size_t ip_payload = total - header;
    // Ethernet pads short frames: the datagram ends at total_length, not at the capture's end.
    const size_t captured = std::min(len, total) - header;
    out.fragment = more_fragments || offset != 0;
    out.fragment_id = be16(p + 4);
    if (out.fragment) {
        const bool oversize = offset + ip_payload > 65535;                 // ping of death
        const bool misaligned = more_fragments && ip_payload % 8 != 0;   // only the last may be odd
        const bool tiny = offset == 0 && ip_payload < min_transport_header(out.protocol);
        const bool overlaps_tcp_header = out.protocol == ip_proto::kTcp && offset == 8;  // RFC 1858
        out.wrong_fragment = oversize || misaligned || tiny || overlaps_tcp_header;
        if (offset != 0 || tiny) {
            out.payload_bytes = static_cast<uint32_t>(ip_payload);
            return DecodeStatus::kOk;
        }
    }
    return decode_transport(p + header, captured, ip_payload, out);
}

DecodeStatus decode_ipv6(const uint8_t* p, size_t len, PacketInfo& out) {
    if (len < 40) return DecodeStatus::kTruncated;
    if ((p[0] >> 4) != 6) return DecodeStatus::kMalformed;
    size_t remaining_wire = be16(p + 4);  // payload length (jumbograms: 0, treated as the capture)
    if (remaining_wire == 0) remaining_wire = len - 40;
    out.src = IpAddress{};
    out.dst = IpAddress{};
    out.src.family = out.dst.family = 6;
    std::memcpy(out.src.bytes.data(), p + 8, 16);
    std::memcpy(out.dst.bytes.data(), p + 24, 16);
    uint8_t next = p[6];
    size_t pos = 40;
    for (int i = 0; i < kMaxIpv6ExtensionHeaders; ++i) {
        if (next != 0 && next != 43 && next != 60 && next != 44 && next != 51) break;
        if (len < pos + 8) return DecodeStatus::kTruncated;
        size_t ext_len = 0;
        if (next == 44) {
            ext_len = 8;
            const uint16_t frag = be16(p + pos + 2);
            const size_t offset = static_cast<size_t>(frag >> 3) * 8;
            const bool more = (frag & 1) != 0;
            out.fragment = true;
            out.fragment_id = be32(p + pos + 4);
            if (remaining_wire < ext_len) return DecodeStatus::kMalformed;
            const size_t payload = remaining_wire - ext_len;
            out.wrong_fragment = offset + payload > 65535 || (more && payload % 8 != 0);
            if (offset != 0) {
                out.protocol = p[pos];
                out.payload_bytes = static_cast<uint32_t>(payload);
                return DecodeStatus::kOk;
            }
        } else if (next == 51) {
            ext_len = (static_cast<size_t>(p[pos + 1]) + 2) * 4;
        } else {
            ext_len = (static_cast<size_t>(p[pos + 1]) + 1) * 8;
        }
        if (remaining_wire < ext_len) return DecodeStatus::kMalformed;
        next = p[pos];
        pos += ext_len;
        remaining_wire -= ext_len;
    }
    if (pos > len) return DecodeStatus::kTruncated;
    out.protocol = next;
    const size_t captured = std::min(len - pos, remaining_wire);
    return decode_transport(p + pos, captured, remaining_wire, out);
}

DecodeStatus decode_by_version(const uint8_t* p, size_t len, PacketInfo& out) {
    if (len < 1) return DecodeStatus::kTruncated;
    switch (p[0] >> 4) {
        case 4: return decode_ipv4(p, len, out);
        case 6: return decode_ipv6(p, len, out);
        default: return DecodeStatus::kNotIp;
    }
}

DecodeStatus decode_ethertype(uint16_t type, const uint8_t* p, size_t len, PacketInfo& out) {
    if (type == kEtherIpv4) return decode_ipv4(p, len, out);
    if (type == kEtherIpv6) return decode_ipv6(p, len, out);
    return DecodeStatus::kNotIp;
}

DecodeStatus decode_ethernet(const uint8_t* p, size_t len, PacketInfo& out) {
    if (len < 14) return DecodeStatus::kTruncated;
    size_t pos = 12;
    uint16_t type = be16(p + pos);
    for (int tags = 0; type == kEtherVlan || type == kEtherQinQ || type == kEtherQinQOld; ++tags) {
        if (tags == kMaxVlanTags) return DecodeStatus::kMalformed;
        pos += 4;
        if (len < pos + 2) return DecodeStatus::kTruncated;
        type = be16(p + pos);
    }
    pos += 2;
    return decode_ethertype(type, p + pos, len - pos, out);
}

// BSD loopback: the address family in the capturing host's byte order (DLT_NULL) or network order (DLT_LOOP).
DecodeStatus decode_null(const uint8_t* p, size_t len, bool network_order, PacketInfo& out) {
    if (len < 4) return DecodeStatus::kTruncated;
    uint32_t family = 0;
    std::memcpy(&family, p, 4);
    if (network_order) family = ntohl(family);
    // DLT_NULL's byte order is the capturing host's, not necessarily ours: accept both.
    const uint32_t swapped = __builtin_bswap32(family);
    auto is = [&](uint32_t v) { return family == v || (!network_order && swapped == v); };
    if (is(2)) return decode_ipv4(p + 4, len - 4, out);
    if (is(24) || is(28) || is(30)) return decode_ipv6(p + 4, len - 4, out);
    return DecodeStatus::kNotIp;
}

}  // namespace

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (family == 4) {
        inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
    } else {
        inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
    }
    return buf;
}

IpAddress IpAddress::v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    IpAddress ip;
    ip.bytes[0] = a;
    ip.bytes[1] = b;
    ip.bytes[2] = c;
    ip.bytes[3] = d;
    return ip;
}

const char* to_string(DecodeStatus s) {
    switch (s) {
        case DecodeStatus::kOk: return "ok";
        case DecodeStatus::kNotIp: return "not_ip";
        case DecodeStatus::kTruncated: return "truncated";
        case DecodeStatus::kMalformed: return "malformed";
        case DecodeStatus::kUnsupportedLink: return "unsupported_link";
    }
    return "unknown";
}

bool is_supported_link_type(int dlt) {
    switch (dlt) {
        case link_type::kNull:
        case link_type::kEthernet:
        case link_type::kRaw:
        case link_type::kRawAlt:
        case link_type::kRawLinktype:
        case link_type::kLoop:
        case link_type::kLinuxSll:
        case link_type::kIpv4:
        case link_type::kIpv6:
        case link_type::kLinuxSll2:
            return true;
        default:
            return false;
    }
}

DecodeStatus decode_packet(int dlt, const uint8_t* frame, size_t caplen, int64_t ts_us, PacketInfo& out) {
    out = PacketInfo{};
    out.ts_us = ts_us;
    if (frame == nullptr) return DecodeStatus::kTruncated;
    switch (dlt) {
        case link_type::kEthernet:
            return decode_ethernet(frame, caplen, out);
        case link_type::kRaw:
        case link_type::kRawAlt:
        case link_type::kRawLinktype:
            return decode_by_version(frame, caplen, out);
        case link_type::kIpv4:
            return decode_ipv4(frame, caplen, out);
        case link_type::kIpv6:
            return decode_ipv6(frame, caplen, out);
        case link_type::kNull:
            return decode_null(frame, caplen, false, out);
        case link_type::kLoop:
            return decode_null(frame, caplen, true, out);
        case link_type::kLinuxSll:
            if (caplen < 16) return DecodeStatus::kTruncated;
            return decode_ethertype(be16(frame + 14), frame + 16, caplen - 16, out);
        case link_type::kLinuxSll2:
            if (caplen < 20) return DecodeStatus::kTruncated;
            return decode_ethertype(be16(frame), frame + 20, caplen - 20, out);
        default:
            return DecodeStatus::kUnsupportedLink;
    }
}

}  // namespace vigil::traffic
