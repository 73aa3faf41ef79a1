#pragma once
// Decodes one captured frame (any supported link type) into the few header fields the connection
// tracker needs. Reads only inside the captured bytes: truncated or hostile frames give a status,
// never a crash. No allocation.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace vigil::traffic {

// IPv4 addresses use the first 4 bytes (the rest stay zero).
struct IpAddress {
    std::array<uint8_t, 16> bytes{};
    uint8_t family = 4;  // 4 or 6

    bool operator==(const IpAddress&) const = default;
    std::string to_string() const;
    static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);
};

namespace tcp_flag {
inline constexpr uint8_t kFin = 0x01;
inline constexpr uint8_t kSyn = 0x02;
inline constexpr uint8_t kRst = 0x04;
inline constexpr uint8_t kPsh = 0x08;
inline constexpr uint8_t kAck = 0x10;
inline constexpr uint8_t kUrg = 0x20;
}  // namespace tcp_flag

namespace ip_proto {
inline constexpr uint8_t kIcmp = 1;
inline constexpr uint8_t kTcp = 6;
inline constexpr uint8_t kUdp = 17;
inline constexpr uint8_t kIcmpV6 = 58;
}  // namespace ip_proto

struct PacketInfo {
    int64_t ts_us = 0;
    IpAddress src;
    IpAddress dst;
    uint16_t src_port = 0;  // ICMP: type; meaningless when !has_ports
    uint16_t dst_port = 0;  // ICMP: code
    uint8_t protocol = 0;   // IP protocol number (ICMPv6 stays 58)
    uint8_t tcp_flags = 0;
    bool has_ports = false;        // false for a non-first IPv4/IPv6 fragment
    bool fragment = false;         // part of a fragmented datagram
    bool wrong_fragment = false;   // a fragment no correct stack sends (ping of death, tiny, misaligned)
    uint32_t fragment_id = 0;      // IP identification, to join later fragments to their first one
    uint32_t payload_bytes = 0;    // transport payload (bytes on the wire, even if not captured)
    // The captured part of a TCP/UDP payload; points into the packet buffer, valid during the callback only.
    const uint8_t* payload = nullptr;
    uint32_t payload_captured = 0;
    uint32_t tcp_seq = 0;          // TCP sequence number (valid when has_seq)
    bool has_seq = false;
};

enum class DecodeStatus : uint8_t {
    kOk,
    kNotIp,            // ARP, LLDP, ... : skipped, not an error
    kTruncated,        // the capture ends inside a header
    kMalformed,        // impossible header values
    kUnsupportedLink,  // a link type we do not decode
};

const char* to_string(DecodeStatus s);

// Link types as pcap_datalink() reports them (DLT_* values).
namespace link_type {
inline constexpr int kNull = 0;
inline constexpr int kEthernet = 1;
inline constexpr int kRaw = 12;      // DLT_RAW on Linux (LINKTYPE_RAW 101 is mapped to it)
inline constexpr int kRawAlt = 14;   // DLT_RAW on some BSDs
inline constexpr int kLoop = 108;
inline constexpr int kRawLinktype = 101;
inline constexpr int kLinuxSll = 113;
inline constexpr int kIpv4 = 228;
inline constexpr int kIpv6 = 229;
inline constexpr int kLinuxSll2 = 276;
}  // namespace link_type

bool is_supported_link_type(int dlt);

DecodeStatus decode_packet(int dlt, const uint8_t* frame, size_t caplen, int64_t ts_us, PacketInfo& out);

}  // namespace vigil::traffic
