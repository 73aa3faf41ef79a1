#include "vigil/traffic/packet_decoder.hpp"

#include <gtest/gtest.h>

#include "packet_builder.hpp"

namespace vigil::traffic {
namespace {

using testing::ethernet;
using testing::ipv4;
using testing::Ipv4Spec;

TEST(PacketDecoder, EthernetIpv4Tcp) {
    Ipv4Spec s;
    s.tcp_flags = tcp_flag::kSyn | tcp_flag::kAck;
    s.tcp_seq = 0xDEADBEEF;
    s.payload = 100;
    const auto frame = ethernet(ipv4(s));
    PacketInfo p;
    ASSERT_EQ(decode_packet(link_type::kEthernet, frame.data(), frame.size(), 42, p), DecodeStatus::kOk);
    EXPECT_EQ(p.ts_us, 42);
    EXPECT_EQ(p.src, IpAddress::v4(10, 0, 0, 1));
    EXPECT_EQ(p.dst.to_string(), "10.0.0.2");
    EXPECT_EQ(p.src_port, 40000);
    EXPECT_EQ(p.dst_port, 80);
    EXPECT_EQ(p.protocol, ip_proto::kTcp);
    EXPECT_EQ(p.tcp_flags, tcp_flag::kSyn | tcp_flag::kAck);
    EXPECT_EQ(p.payload_bytes, 100u);
    EXPECT_EQ(p.tcp_seq, 0xDEADBEEFu);
    EXPECT_TRUE(p.has_seq);
    EXPECT_TRUE(p.has_ports);
    EXPECT_FALSE(p.fragment);
}

TEST(PacketDecoder, VlanTagsAreSkipped) {
    Ipv4Spec s;
    s.protocol = ip_proto::kUdp;
    s.dst_port = 53;
    s.payload = 30;
    const auto frame = ethernet(ipv4(s), 0x0800, 2);
    PacketInfo p;
    ASSERT_EQ(decode_packet(link_type::kEthernet, frame.data(), frame.size(), 0, p), DecodeStatus::kOk);
    EXPECT_EQ(p.protocol, ip_proto::kUdp);
    EXPECT_EQ(p.dst_port, 53);
    EXPECT_EQ(p.payload_bytes, 30u);
    const auto too_many = ethernet(ipv4(s), 0x0800, 5);
    EXPECT_EQ(decode_packet(link_type::kEthernet, too_many.data(), too_many.size(), 0, p), DecodeStatus::kMalformed);
}

TEST(PacketDecoder, EthernetPaddingIsNotPayload) {
    Ipv4Spec s;  // a bare SYN: 40 bytes of IP, padded to the 46-byte Ethernet minimum
    auto frame = ethernet(ipv4(s));
    frame.resize(60, 0);
    PacketInfo p;
    ASSERT_EQ(decode_packet(link_type::kEthernet, frame.data(), frame.size(), 0, p), DecodeStatus::kOk);
    EXPECT_EQ(p.payload_bytes, 0u);
}

TEST(PacketDecoder, OtherLinkTypes) {
    Ipv4Spec s;
    const auto ip = ipv4(s);
    PacketInfo p;
    EXPECT_EQ(decode_packet(link_type::kRaw, ip.data(), ip.size(), 0, p), DecodeStatus::kOk);
    EXPECT_EQ(decode_packet(link_type::kRawLinktype, ip.data(), ip.size(), 0, p), DecodeStatus::kOk);
    EXPECT_EQ(decode_packet(link_type::kIpv4, ip.data(), ip.size(), 0, p), DecodeStatus::kOk);

    std::vector<uint8_t> sll(16, 0);
    sll[14] = 0x08;
    sll.insert(sll.end(), ip.begin(), ip.end());
    EXPECT_EQ(decode_packet(link_type::kLinuxSll, sll.data(), sll.size(), 0, p), DecodeStatus::kOk);
    EXPECT_EQ(p.dst_port, 80);

    std::vector<uint8_t> sll2(20, 0);
    sll2[0] = 0x08;
    sll2.insert(sll2.end(), ip.begin(), ip.end());
    EXPECT_EQ(decode_packet(link_type::kLinuxSll2, sll2.data(), sll2.size(), 0, p), DecodeStatus::kOk);
    EXPECT_EQ(p.dst_port, 80);

    for (const std::vector<uint8_t>& family : {std::vector<uint8_t>{2, 0, 0, 0}, std::vector<uint8_t>{0, 0, 0, 2}}) {
        auto null_frame = family;
        null_frame.insert(null_frame.end(), ip.begin(), ip.end());
        EXPECT_EQ(decode_packet(link_type::kNull, null_frame.data(), null_frame.size(), 0, p), DecodeStatus::kOk);
    }
    std::vector<uint8_t> loop{0, 0, 0, 2};
    loop.insert(loop.end(), ip.begin(), ip.end());
    EXPECT_EQ(decode_packet(link_type::kLoop, loop.data(), loop.size(), 0, p), DecodeStatus::kOk);

    EXPECT_EQ(decode_packet(147, ip.data(), ip.size(), 0, p), DecodeStatus::kUnsupportedLink);
    EXPECT_FALSE(is_supported_link_type(147));
    EXPECT_TRUE(is_supported_link_type(link_type::kLinuxSll2));
}

TEST(PacketDecoder, ArpIsNotAnError) {
    std::vector<uint8_t> arp(28, 0);
    const auto frame = ethernet(arp, 0x0806);
    PacketInfo p;
    EXPECT_EQ(decode_packet(link_type::kEthernet, frame.data(), frame.size(), 0, p), DecodeStatus::kNotIp);
}

TEST(PacketDecoder, Ipv6WithExtensionHeader) {
    std::vector<uint8_t> p6(40, 0);
    p6[0] = 0x60;
    p6[6] = 0;  // hop-by-hop options follow
    p6[8 + 15] = 1;
    p6[24 + 15] = 2;
    std::vector<uint8_t> hop(8, 0);
    hop[0] = ip_proto::kUdp;
    std::vector<uint8_t> udp(8 + 12, 0);
    udp[0] = 0x13;
    udp[1] = 0x88;  // 5000
    udp[3] = 123;
    p6.insert(p6.end(), hop.begin(), hop.end());
    p6.insert(p6.end(), udp.begin(), udp.end());
    p6[4] = 0;
    p6[5] = static_cast<uint8_t>(hop.size() + udp.size());
    const auto frame = ethernet(p6, 0x86DD);
    PacketInfo p;
    ASSERT_EQ(decode_packet(link_type::kEthernet, frame.data(), frame.size(), 0, p), DecodeStatus::kOk);
    EXPECT_EQ(p.src.family, 6);
    EXPECT_EQ(p.src.to_string(), "::1");
    EXPECT_EQ(p.dst.to_string(), "::2");
    EXPECT_EQ(p.protocol, ip_proto::kUdp);
    EXPECT_EQ(p.src_port, 5000);
    EXPECT_EQ(p.dst_port, 123);
    EXPECT_EQ(p.payload_bytes, 12u);
}

TEST(PacketDecoder, Ipv4Fragments) {
    Ipv4Spec first;
    first.protocol = ip_proto::kIcmp;
    first.src_port = 8;
    first.more_fragments = true;
    first.payload = 1472;  // 8 + 1472 = 1480, a multiple of 8
    PacketInfo p;
    auto ip = ipv4(first);
    ASSERT_EQ(decode_packet(link_type::kRaw, ip.data(), ip.size(), 0, p), DecodeStatus::kOk);
    EXPECT_TRUE(p.fragment);
    EXPECT_TRUE(p.has_ports);
    EXPECT_FALSE(p.wrong_fragment);

    Ipv4Spec later = first;
    later.transport_header = false;
    later.fragment_offset_8 = 185;
    later.payload = 1480;
    ip = ipv4(later);
    ASSERT_EQ(decode_packet(link_type::kRaw, ip.data(), ip.size(), 0, p), DecodeStatus::kOk);
    EXPECT_TRUE(p.fragment);
    EXPECT_FALSE(p.has_ports);
    EXPECT_EQ(p.payload_bytes, 1480u);
    EXPECT_FALSE(p.wrong_fragment);

    Ipv4Spec death = later;  // ping of death: the datagram would end past 65535
    death.more_fragments = false;
    death.fragment_offset_8 = 8189;
    death.payload = 400;
    ip = ipv4(death);
    ASSERT_EQ(decode_packet(link_type::kRaw, ip.data(), ip.size(), 0, p), DecodeStatus::kOk);
    EXPECT_TRUE(p.wrong_fragment);

    Ipv4Spec misaligned = later;
    misaligned.payload = 1001;
    ip = ipv4(misaligned);
    ASSERT_EQ(decode_packet(link_type::kRaw, ip.data(), ip.size(), 0, p), DecodeStatus::kOk);
    EXPECT_TRUE(p.wrong_fragment);
}

TEST(PacketDecoder, MalformedHeaders) {
    Ipv4Spec s;
    auto ip = ipv4(s);
    PacketInfo p;
    auto bad = ip;
    bad[0] = 0x44;  // IHL 16 bytes
    EXPECT_EQ(decode_packet(link_type::kRaw, bad.data(), bad.size(), 0, p), DecodeStatus::kMalformed);
    bad = ip;
    bad[2] = 0;
    bad[3] = 10;  // total length shorter than the header
    EXPECT_EQ(decode_packet(link_type::kRaw, bad.data(), bad.size(), 0, p), DecodeStatus::kMalformed);
    bad = ip;
    bad[32] = 0x10;  // TCP data offset 4 bytes
    EXPECT_EQ(decode_packet(link_type::kRaw, bad.data(), bad.size(), 0, p), DecodeStatus::kMalformed);
    EXPECT_EQ(decode_packet(link_type::kRaw, nullptr, 0, 0, p), DecodeStatus::kTruncated);
}

// Every prefix of a valid frame decodes to a status without reading past its end (ASan checks the reads).
TEST(PacketDecoder, EveryTruncationIsSafe) {
    Ipv4Spec s;
    s.payload = 10;
    const auto frame = ethernet(ipv4(s), 0x0800, 1);
    for (size_t n = 0; n <= frame.size(); ++n) {
        std::vector<uint8_t> cut(frame.begin(), frame.begin() + static_cast<long>(n));
        PacketInfo p;
        const auto status = decode_packet(link_type::kEthernet, cut.data(), cut.size(), 0, p);
        if (n < 18 + 20 + 20) {
            EXPECT_EQ(status, DecodeStatus::kTruncated) << n;
        } else {
            EXPECT_EQ(status, DecodeStatus::kOk) << n;  // payload bytes are counted from the headers
            EXPECT_EQ(p.payload_bytes, 10u);
        }
    }
}

}  // namespace
}  // namespace vigil::traffic
