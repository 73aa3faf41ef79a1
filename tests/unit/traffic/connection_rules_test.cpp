#include "vigil/traffic/connection_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace vigil::traffic {
namespace {

const IpAddress kAttacker = IpAddress::v4(10, 0, 0, 66);
const IpAddress kServer = IpAddress::v4(10, 0, 0, 1);

Connection tcp_conn(int64_t start_us, const IpAddress& src, uint16_t sport, const IpAddress& dst, uint16_t dport,
                    uint64_t orig_bytes, uint64_t resp_bytes, int64_t duration_us = 2'000'000) {
    Connection c;
    c.protocol = ip_proto::kTcp;
    c.orig = src;
    c.resp = dst;
    c.orig_port = sport;
    c.resp_port = dport;
    c.first_us = start_us;
    c.last_us = start_us + duration_us;
    c.orig_bytes = orig_bytes;
    c.resp_bytes = resp_bytes;
    return c;
}

TrafficVerdict normal_verdict() {
    TrafficVerdict v;
    v.family = "normal";
    v.probability = 0.01;
    v.reasons.push_back(Contribution{"log_src_bytes", 3.0, -1.0});
    return v;
}

// A login attempt: banner and "530 Login incorrect" back, USER/PASS out, a few seconds.
TEST(ConnectionRules, RepeatedLoginSessionsAreBruteForce) {
    ConnectionRules rules;
    for (int i = 0; i < 12; ++i) {
        TrafficVerdict v = normal_verdict();
        const bool fired = rules.apply(
            tcp_conn(i * 3'000'000LL, kAttacker, static_cast<uint16_t>(40000 + i), kServer, 21, 30, 120), v);
        if (i < 9) {
            EXPECT_FALSE(fired) << i;
            EXPECT_FALSE(v.attack) << i;
            EXPECT_EQ(v.family, "normal");
            continue;
        }
        ASSERT_TRUE(fired) << i;
        EXPECT_TRUE(v.attack);
        EXPECT_EQ(v.family, "R2L");
        EXPECT_DOUBLE_EQ(v.probability, 0.8);
        ASSERT_EQ(v.reasons.size(), 2u);
        EXPECT_EQ(v.reasons[0].name, "rule:bruteforce");
        EXPECT_EQ(v.reasons[0].value, i + 1);
        EXPECT_EQ(v.reasons[1].name, "log_src_bytes") << "the model's reasons stay";
    }
}

TEST(ConnectionRules, BruteForceNeedsTheSessionsInsideTheWindow) {
    ConnectionRules rules;
    for (int i = 0; i < 30; ++i) {  // one session every 10 s: 6 or 7 in any minute
        TrafficVerdict v = normal_verdict();
        EXPECT_FALSE(rules.apply(
            tcp_conn(i * 10'000'000LL, kAttacker, static_cast<uint16_t>(40000 + i), kServer, 22, 30, 120), v))
            << i;
    }
}

TEST(ConnectionRules, BruteForceOnlyOnAuthenticationPortsAndShortSessions) {
    ConnectionRules rules;
    for (int i = 0; i < 20; ++i) {
        TrafficVerdict web = normal_verdict();
        EXPECT_FALSE(rules.apply(tcp_conn(i * 1'000'000LL, kAttacker, static_cast<uint16_t>(40000 + i), kServer, 80,
                                          300, 5000),
                                 web));
        TrafficVerdict long_session = normal_verdict();  // 45 s sessions are not login attempts
        EXPECT_FALSE(rules.apply(tcp_conn(i * 1'000'000LL, kAttacker, static_cast<uint16_t>(50000 + i), kServer, 23,
                                          300, 5000, 45'000'000),
                                 long_session));
    }
}

TEST(ConnectionRules, ManyUnansweredPortsOfOneHostAreAScan) {
    ConnectionRules rules;
    for (int i = 0; i < 15; ++i) {
        TrafficVerdict v = normal_verdict();
        v.attack = true;
        v.family = "DoS";  // what the family head says for half-open probes
        v.probability = 0.99;
        const bool fired =
            rules.apply(tcp_conn(i * 1000LL, kAttacker, 55555, kServer, static_cast<uint16_t>(1 + i), 0, 0, 0), v);
        EXPECT_EQ(fired, i >= 9) << i;
        EXPECT_EQ(v.family, i >= 9 ? "Probe" : "DoS") << i;
        EXPECT_DOUBLE_EQ(v.probability, 0.99) << "a rule never lowers the model's probability";
        if (fired) {
            EXPECT_EQ(v.reasons.front().name, "rule:portscan");
            EXPECT_EQ(v.reasons.front().value, i + 1);
        }
    }
}

TEST(ConnectionRules, AFloodOfOnePortOrAnsweredConnectionsAreNoScan) {
    ConnectionRules rules;
    for (int i = 0; i < 200; ++i) {
        TrafficVerdict flood = normal_verdict();
        EXPECT_FALSE(rules.apply(tcp_conn(i * 100LL, kAttacker, static_cast<uint16_t>(1024 + i), kServer, 80, 0, 0, 0),
                                 flood));
    }
    const IpAddress client = IpAddress::v4(10, 0, 0, 7);
    for (int i = 0; i < 30; ++i) {  // passive FTP data connections: many ports, payload one way
        TrafficVerdict data = normal_verdict();
        EXPECT_FALSE(rules.apply(
            tcp_conn(i * 1000LL, client, 40000, kServer, static_cast<uint16_t>(50000 + i), 0, 4096, 1000), data));
    }
}

TEST(ConnectionRules, UdpProbesWithoutAnswerCount) {
    ConnectionRules rules;
    int fired = 0;
    for (int i = 0; i < 20; ++i) {
        Connection c = tcp_conn(i * 1000LL, kAttacker, 33333, kServer, static_cast<uint16_t>(100 + i), 0, 0, 0);
        c.protocol = ip_proto::kUdp;
        c.orig_bytes = 40;  // nmap's protocol payloads
        TrafficVerdict v = normal_verdict();
        fired += rules.apply(c, v);
    }
    EXPECT_EQ(fired, 11);
}

TEST(ConnectionRules, ParametersAreConfigurable) {
    ConnectionRulesConfig config;
    config.portscan.min_ports = 3;
    config.bruteforce.enabled = false;
    ConnectionRules rules(config);
    int scans = 0;
    for (int i = 0; i < 5; ++i) {
        TrafficVerdict v = normal_verdict();
        scans += rules.apply(tcp_conn(i * 1000LL, kAttacker, 1, kServer, static_cast<uint16_t>(10 + i), 0, 0, 0), v);
    }
    EXPECT_EQ(scans, 3);
    for (int i = 0; i < 30; ++i) {
        TrafficVerdict v = normal_verdict();
        EXPECT_FALSE(rules.apply(
            tcp_conn(i * 1'000'000LL, kAttacker, static_cast<uint16_t>(40000 + i), kServer, 21, 30, 120), v));
    }
}

TEST(ConnectionRules, StateStaysBoundedUnderSpoofedSources) {
    ConnectionRulesConfig config;
    config.max_tracked_pairs = 8;
    ConnectionRules rules(config);
    for (int i = 0; i < 10'000; ++i) {
        const IpAddress src = IpAddress::v4(10, static_cast<uint8_t>(i >> 16), static_cast<uint8_t>(i >> 8),
                                            static_cast<uint8_t>(i));
        TrafficVerdict v = normal_verdict();
        EXPECT_FALSE(rules.apply(tcp_conn(i * 10LL, src, 1, kServer, static_cast<uint16_t>(i), 0, 0, 0), v));
    }
    // A real scan after the flood is still seen.
    int scans = 0;
    for (int i = 0; i < 12; ++i) {
        TrafficVerdict v = normal_verdict();
        scans += rules.apply(
            tcp_conn(200'000 + i * 10LL, kAttacker, 1, kServer, static_cast<uint16_t>(2000 + i), 0, 0, 0), v);
    }
    EXPECT_EQ(scans, 3);
}

TEST(ConnectionRules, EventsPerPairAreCapped) {
    ConnectionRulesConfig config;
    config.max_events_per_pair = 5;
    config.portscan.min_ports = 6;
    ConnectionRules rules(config);
    for (int i = 0; i < 20; ++i) {  // 20 ports, but only the last 5 are remembered: never 6
        TrafficVerdict v = normal_verdict();
        EXPECT_FALSE(rules.apply(tcp_conn(i * 10LL, kAttacker, 1, kServer, static_cast<uint16_t>(100 + i), 0, 0, 0), v));
    }
}

}  // namespace
}  // namespace vigil::traffic
