#include "vigil/traffic/connection_tracker.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "packet_builder.hpp"
#include "vigil/traffic/connection_features.hpp"

namespace vigil::traffic {
namespace {

using namespace tcp_flag;
using testing::icmp;
using testing::tcp;
using testing::udp;

const IpAddress kClient = IpAddress::v4(192, 168, 0, 2);
const IpAddress kServer = IpAddress::v4(192, 168, 0, 1);

struct Step {
    bool from_client;
    uint8_t flags;
    uint32_t payload = 0;
};

// Runs one TCP exchange client:40000 <-> server:80 and returns the finished connections.
std::vector<Connection> run(std::initializer_list<Step> steps) {
    std::vector<Connection> out;
    ConnectionTracker tracker({}, [&](const Connection& c) { out.push_back(c); });
    int64_t t = 1'000'000;
    for (const auto& s : steps) {
        t += 1000;
        tracker.add(s.from_client ? tcp(t, kClient, 40000, kServer, 80, s.flags, s.payload)
                                  : tcp(t, kServer, 80, kClient, 40000, s.flags, s.payload));
    }
    tracker.flush();
    return out;
}

std::string flag_of(std::initializer_list<Step> steps) {
    auto conns = run(steps);
    if (conns.size() != 1) return "connections: " + std::to_string(conns.size());
    return std::string(connection_flag(conns[0]));
}

TEST(ConnectionTracker, NslKddFlags) {
    EXPECT_EQ(flag_of({{true, kSyn}, {false, kSyn | kAck}, {true, kAck}, {true, kAck | kPsh, 100},
                       {false, kAck | kPsh, 500}, {true, kFin | kAck}, {false, kFin | kAck}, {true, kAck}}),
              "SF");
    EXPECT_EQ(flag_of({{true, kSyn}}), "S0");
    EXPECT_EQ(flag_of({{true, kSyn}, {true, kSyn}}), "S0");
    EXPECT_EQ(flag_of({{true, kSyn}, {false, kSyn | kAck}}), "S0");  // half-open, as KDD's neptune
    EXPECT_EQ(flag_of({{true, kSyn}, {false, kSyn | kAck}, {true, kAck}}), "S1");
    EXPECT_EQ(flag_of({{true, kSyn}, {false, kSyn | kAck}, {true, kAck}, {true, kFin | kAck}}), "S2");
    EXPECT_EQ(flag_of({{true, kSyn}, {false, kSyn | kAck}, {true, kAck}, {false, kFin | kAck}}), "S3");
    EXPECT_EQ(flag_of({{true, kSyn}, {false, kRst | kAck}}), "REJ");
    EXPECT_EQ(flag_of({{true, kSyn}, {false, kSyn | kAck}, {true, kAck}, {true, kRst}}), "RSTO");
    EXPECT_EQ(flag_of({{true, kSyn}, {false, kSyn | kAck}, {true, kRst}}), "RSTO");  // nmap, open port
    EXPECT_EQ(flag_of({{true, kSyn}, {false, kSyn | kAck}, {true, kAck}, {false, kRst}}), "RSTR");
    EXPECT_EQ(flag_of({{true, kSyn}, {true, kRst}}), "RSTOS0");
    EXPECT_EQ(flag_of({{false, kSyn | kAck}, {false, kRst}}), "RSTRH");
    EXPECT_EQ(flag_of({{true, kSyn}, {true, kFin}}), "SH");
    EXPECT_EQ(flag_of({{false, kSyn | kAck}, {false, kFin | kAck}}), "SHR");
    EXPECT_EQ(flag_of({{true, kAck, 10}, {false, kAck, 20}}), "OTH");
    EXPECT_EQ(flag_of({{true, kFin | kPsh | kUrg}, {false, kRst | kAck}}), "RSTR");  // XMAS probe, closed port
}

TEST(ConnectionTracker, DirectionsBytesAndCounters) {
    auto conns = run({{true, kSyn}, {false, kSyn | kAck}, {true, kAck}, {true, kAck | kUrg, 7},
                      {false, kAck | kPsh, 500}, {true, kFin | kAck}, {false, kFin | kAck}});
    ASSERT_EQ(conns.size(), 1u);
    const auto& c = conns[0];
    EXPECT_EQ(c.orig, kClient);
    EXPECT_EQ(c.orig_port, 40000);
    EXPECT_EQ(c.resp, kServer);
    EXPECT_EQ(c.resp_port, 80);
    EXPECT_EQ(c.orig_bytes, 7u);
    EXPECT_EQ(c.resp_bytes, 500u);
    EXPECT_EQ(c.orig_packets, 4u);
    EXPECT_EQ(c.resp_packets, 3u);
    EXPECT_EQ(c.urgent_packets, 1u);
    EXPECT_EQ(service_name(c), "http");
}

TEST(ConnectionTracker, SynAckFirstMakesTheReceiverTheOriginator) {
    auto conns = run({{false, kSyn | kAck}, {true, kAck}});
    ASSERT_EQ(conns.size(), 1u);
    EXPECT_EQ(conns[0].orig, kClient);
    EXPECT_EQ(conns[0].resp_port, 80);
}

TEST(ConnectionTracker, MidStreamServerPacketFirst) {
    auto conns = run({{false, kAck, 100}, {true, kAck}});
    ASSERT_EQ(conns.size(), 1u);
    EXPECT_EQ(conns[0].orig, kClient) << "a packet from port 80 to an ephemeral port is the server's";
}

TEST(ConnectionTracker, ClosedConnectionsLeaveAfterTheLinger) {
    std::vector<Connection> out;
    ConnectionTracker tracker({}, [&](const Connection& c) { out.push_back(c); });
    tracker.add(tcp(0, kClient, 40000, kServer, 80, kSyn));
    tracker.add(tcp(1000, kServer, 80, kClient, 40000, kRst | kAck));
    tracker.add(tcp(500'000, kServer, 80, kClient, 40000, kRst | kAck));  // late duplicate joins it
    EXPECT_TRUE(out.empty());
    tracker.add(tcp(3'000'000, kClient, 40001, kServer, 80, kSyn));  // time moves on
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].resp_packets, 2u);
    EXPECT_EQ(connection_flag(out[0]), "REJ");
    EXPECT_EQ(tracker.active(), 1u);
}

TEST(ConnectionTracker, PortReuseAfterCloseStartsANewConnection) {
    std::vector<Connection> out;
    ConnectionTracker tracker({}, [&](const Connection& c) { out.push_back(c); });
    tracker.add(tcp(0, kClient, 40000, kServer, 8080, kSyn));
    tracker.add(tcp(100, kServer, 8080, kClient, 40000, kRst | kAck));
    tracker.add(tcp(300'000, kClient, 40000, kServer, 8080, kSyn));  // retry from the same port
    tracker.add(tcp(300'100, kServer, 8080, kClient, 40000, kRst | kAck));
    tracker.flush();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(connection_flag(out[0]), "REJ");
    EXPECT_EQ(connection_flag(out[1]), "REJ");
    EXPECT_NE(out[0].id, out[1].id);
}

TEST(ConnectionTracker, AttemptsTimeOut) {
    std::vector<Connection> out;
    TrackerConfig config;
    config.tcp_attempt_timeout_us = 5'000'000;
    ConnectionTracker tracker(config, [&](const Connection& c) { out.push_back(c); });
    tracker.add(tcp(0, kClient, 40000, kServer, 80, kSyn));
    tracker.expire(4'000'000);
    EXPECT_TRUE(out.empty());
    tracker.expire(6'000'000);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(connection_flag(out[0]), "S0");
    EXPECT_EQ(tracker.stats().connections, 1u);
}

TEST(ConnectionTracker, UdpAndIcmp) {
    std::vector<Connection> out;
    TrackerConfig config;
    config.udp_idle_timeout_us = 10'000'000;
    ConnectionTracker tracker(config, [&](const Connection& c) { out.push_back(c); });
    tracker.add(udp(0, kClient, 5353, kServer, 53, 40));
    tracker.add(udp(1000, kServer, 53, kClient, 5353, 120));
    tracker.add(icmp(2000, kClient, kServer, 8, 56));   // echo request
    tracker.add(icmp(3000, kServer, kClient, 0, 56));   // its reply
    tracker.add(icmp(4000, kServer, kClient, 3, 28));   // unreachable: another connection
    tracker.add(udp(20'000'000, kClient, 5353, kServer, 53, 40));  // after the idle timeout: new
    tracker.flush();
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(service_name(out[0]), "domain_u");
    EXPECT_EQ(connection_flag(out[0]), "SF");
    EXPECT_EQ(out[0].orig_bytes, 40u);
    EXPECT_EQ(out[0].resp_bytes, 120u);
    bool echo = false;
    bool unreachable = false;
    for (const auto& c : out) {
        if (c.protocol != ip_proto::kIcmp) continue;
        if (service_name(c) == "eco_i") {
            echo = true;
            EXPECT_EQ(c.orig, kClient);
            EXPECT_EQ(c.orig_packets, 1u);
            EXPECT_EQ(c.resp_packets, 1u);
        }
        if (service_name(c) == "urp_i") {
            unreachable = true;
            EXPECT_EQ(c.orig, kServer);
        }
    }
    EXPECT_TRUE(echo);
    EXPECT_TRUE(unreachable);
}

TEST(ConnectionTracker, LaterFragmentsJoinTheirConnection) {
    std::vector<Connection> out;
    ConnectionTracker tracker({}, [&](const Connection& c) { out.push_back(c); });
    PacketInfo first = icmp(0, kClient, kServer, 8, 1472);
    first.fragment = true;
    first.fragment_id = 7;
    tracker.add(first);
    PacketInfo later;
    later.ts_us = 10;
    later.src = kClient;
    later.dst = kServer;
    later.protocol = ip_proto::kIcmp;
    later.fragment = true;
    later.fragment_id = 7;
    later.wrong_fragment = true;
    later.payload_bytes = 400;
    tracker.add(later);
    later.fragment_id = 8;  // no first fragment seen: ignored
    tracker.add(later);
    tracker.flush();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].wrong_fragments, 1u);
    EXPECT_EQ(out[0].orig_bytes, 1472u + 400u);
    EXPECT_EQ(tracker.stats().ignored, 1u);
}

TEST(ConnectionTracker, TableLimitEvictsTheOldest) {
    std::vector<Connection> out;
    TrackerConfig config;
    config.max_connections = 32;
    ConnectionTracker tracker(config, [&](const Connection& c) { out.push_back(c); });
    for (uint16_t port = 1; port <= 33; ++port) tracker.add(tcp(port * 10, kClient, port, kServer, 80, kSyn));
    ASSERT_EQ(out.size(), 2u);  // 1/16 of the full table, the least recently active first
    EXPECT_EQ(out[0].orig_port, 1);
    EXPECT_EQ(out[1].orig_port, 2);
    EXPECT_EQ(tracker.stats().evicted_early, 2u);
    EXPECT_EQ(tracker.active(), 31u);
}

TEST(ConnectionTracker, NonTransportProtocolsAreIgnored) {
    ConnectionTracker tracker({}, [](const Connection&) {});
    PacketInfo gre = tcp(0, kClient, 0, kServer, 0, 0);
    gre.protocol = 47;
    tracker.add(gre);
    EXPECT_EQ(tracker.stats().ignored, 1u);
    EXPECT_EQ(tracker.active(), 0u);
}

}  // namespace
}  // namespace vigil::traffic

namespace vigil::traffic {
namespace {

// Timestamps a little out of order (pcapng with several interfaces) neither lose packets nor split
// connections.
TEST(ConnectionTracker, SlightlyOutOfOrderTimestamps) {
    std::vector<Connection> out;
    ConnectionTracker tracker({}, [&](const Connection& c) { out.push_back(c); });
    const IpAddress a = IpAddress::v4(10, 1, 0, 1);
    const IpAddress b = IpAddress::v4(10, 1, 0, 2);
    tracker.add(testing::tcp(2'000'000, a, 1000, b, 22, tcp_flag::kSyn));
    tracker.add(testing::tcp(1'999'000, b, 22, a, 1000, tcp_flag::kSyn | tcp_flag::kAck));
    tracker.add(testing::tcp(2'001'000, a, 1000, b, 22, tcp_flag::kAck));
    tracker.flush();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(connection_flag(out[0]), "S1");
    EXPECT_EQ(out[0].first_us, 2'000'000);
    EXPECT_EQ(out[0].last_us, 2'001'000);
}

}  // namespace
}  // namespace vigil::traffic

namespace vigil::traffic {
namespace {

PacketInfo seq_packet(int64_t t, bool from_client, uint8_t flags, uint32_t seq, uint32_t payload) {
    PacketInfo p = from_client ? tcp(t, kClient, 40000, kServer, 443, flags, payload)
                               : tcp(t, kServer, 443, kClient, 40000, flags, payload);
    p.tcp_seq = seq;
    p.has_seq = true;
    return p;
}

// Bytes are sequence space, as Zeek counts them: a retransmitted segment and keep-alive probes (one
// already-acknowledged byte, seq = next - 1) add nothing; a segment the capture missed still counts.
TEST(ConnectionTracker, TcpBytesCountNewSequenceSpace) {
    std::vector<Connection> out;
    ConnectionTracker tracker({}, [&](const Connection& c) { out.push_back(c); });
    const uint32_t isn = 0xFFFFFF00u;  // wraps around inside the connection
    tracker.add(seq_packet(1000, true, kSyn, isn, 0));
    tracker.add(seq_packet(2000, false, kSyn | kAck, 5000, 0));
    tracker.add(seq_packet(3000, true, kAck, isn + 1, 0));
    tracker.add(seq_packet(4000, true, kAck | kPsh, isn + 1, 200));
    tracker.add(seq_packet(5000, true, kAck | kPsh, isn + 1, 200));         // retransmission
    tracker.add(seq_packet(6000, false, kAck | kPsh, 5001, 1000));
    tracker.add(seq_packet(7000, false, kAck | kPsh, 5001 + 2000, 1000));   // 1000 bytes missed before it
    tracker.add(seq_packet(8000, true, kAck, isn + 200, 1));                // keep-alive probe
    tracker.add(seq_packet(9000, true, kAck, isn + 200, 1));
    tracker.flush();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].orig_bytes, 200u);
    EXPECT_EQ(out[0].resp_bytes, 3000u);
    EXPECT_EQ(out[0].orig_packets, 6u);
}

TEST(ConnectionTracker, TcpBytesSurviveASequenceJump) {
    uint32_t next = 0;
    bool seen = false;
    EXPECT_EQ(new_tcp_bytes(100, false, 10, next, seen), 10u);
    EXPECT_EQ(new_tcp_bytes(100 + (8u << 20), false, 10, next, seen), 10u) << "a jump counts the segment only";
    EXPECT_EQ(new_tcp_bytes(100 + (8u << 20) + 10, false, 5, next, seen), 5u);
}

}  // namespace
}  // namespace vigil::traffic
