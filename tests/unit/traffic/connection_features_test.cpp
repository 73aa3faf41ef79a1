#include "vigil/traffic/connection_features.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "packet_builder.hpp"
#include "vigil/traffic/packet_pipeline.hpp"

namespace vigil::traffic {
namespace {

using namespace tcp_flag;
using testing::tcp;

const IpAddress kAttacker = IpAddress::v4(10, 0, 0, 66);
const IpAddress kVictim = IpAddress::v4(10, 0, 0, 1);
const IpAddress kOther = IpAddress::v4(10, 0, 0, 2);

double value(const Record& r, std::string_view name) {
    for (size_t i = 0; i < kNslKddFeatureNames.size(); ++i) {
        if (kNslKddFeatureNames[i] == name) return r.values.at(i).number;
    }
    ADD_FAILURE() << "no feature " << name;
    return -1;
}

const std::string& text(const Record& r, std::string_view name) {
    for (size_t i = 0; i < kNslKddFeatureNames.size(); ++i) {
        if (kNslKddFeatureNames[i] == name) return r.values.at(i).text;
    }
    static const std::string none;
    ADD_FAILURE() << "no feature " << name;
    return none;
}

// Feeds packets through the pipeline and keeps every record.
struct Collected {
    std::vector<Record> records;
    std::vector<Connection> connections;
};

Collected run(const std::vector<PacketInfo>& packets, FeatureWindowConfig windows = {}) {
    Collected out;
    PipelineConfig config;
    config.features = windows;
    PacketPipeline pipeline(link_type::kRaw, config, [&](const FinishedConnection& f) {
        out.records.push_back(f.record);
        out.connections.push_back(f.connection);
    });
    for (const auto& p : packets) pipeline.on_packet(p);
    pipeline.finish();
    return out;
}

TEST(ConnectionFeatures, SynFloodLooksLikeNeptune) {
    std::vector<PacketInfo> packets;
    for (int i = 0; i < 50; ++i) {
        const int64_t t = 1'000'000 + i * 1000;
        packets.push_back(tcp(t, kAttacker, static_cast<uint16_t>(1000 + i), kVictim, 80, kSyn));
        packets.push_back(tcp(t + 100, kVictim, 80, kAttacker, static_cast<uint16_t>(1000 + i), kSyn | kAck));
    }
    auto out = run(packets);
    ASSERT_EQ(out.records.size(), 50u);
    const Record& last = out.records.back();
    EXPECT_EQ(last.values.size(), 41u);
    EXPECT_EQ(text(last, "protocol_type"), "tcp");
    EXPECT_EQ(text(last, "service"), "http");
    EXPECT_EQ(text(last, "flag"), "S0");
    EXPECT_EQ(value(last, "count"), 50);
    EXPECT_EQ(value(last, "srv_count"), 50);
    EXPECT_EQ(value(last, "serror_rate"), 1.0);
    EXPECT_EQ(value(last, "srv_serror_rate"), 1.0);
    EXPECT_EQ(value(last, "rerror_rate"), 0.0);
    EXPECT_EQ(value(last, "same_srv_rate"), 1.0);
    EXPECT_EQ(value(last, "diff_srv_rate"), 0.0);
    EXPECT_EQ(value(last, "dst_host_count"), 50);
    EXPECT_EQ(value(last, "dst_host_srv_count"), 50);
    EXPECT_EQ(value(last, "dst_host_serror_rate"), 1.0);
    EXPECT_EQ(value(last, "dst_host_same_src_port_rate"), 0.02);  // 1 of 50 source ports
    // The first one saw only itself.
    EXPECT_EQ(value(out.records.front(), "count"), 1);
}

TEST(ConnectionFeatures, PortScanLooksLikeAProbe) {
    std::vector<PacketInfo> packets;
    const uint16_t ports[] = {21, 22, 23, 25, 80, 110, 143, 443, 79, 8080};
    int64_t t = 5'000'000;
    for (uint16_t port : ports) {
        packets.push_back(tcp(t, kAttacker, 55555, kVictim, port, kSyn));
        packets.push_back(tcp(t + 50, kVictim, port, kAttacker, 55555, kRst | kAck));
        t += 10'000;
    }
    auto out = run(packets);
    ASSERT_EQ(out.records.size(), 10u);
    const Record& last = out.records.back();
    EXPECT_EQ(text(last, "flag"), "REJ");
    EXPECT_EQ(value(last, "count"), 10);
    EXPECT_EQ(value(last, "srv_count"), 1);
    EXPECT_EQ(value(last, "rerror_rate"), 1.0);
    EXPECT_EQ(value(last, "serror_rate"), 0.0);
    EXPECT_EQ(value(last, "same_srv_rate"), 0.1);
    EXPECT_EQ(value(last, "diff_srv_rate"), 0.9);
    EXPECT_EQ(value(last, "dst_host_same_src_port_rate"), 1.0);
    EXPECT_EQ(value(last, "dst_host_diff_srv_rate"), 0.9);
    EXPECT_EQ(value(last, "dst_host_rerror_rate"), 1.0);
}

TEST(ConnectionFeatures, TimeWindowIsTwoSeconds) {
    std::vector<PacketInfo> packets;
    packets.push_back(tcp(0, kAttacker, 1, kVictim, 23, kSyn));
    packets.push_back(tcp(100, kVictim, 23, kAttacker, 1, kRst | kAck));
    packets.push_back(tcp(1'500'000, kAttacker, 2, kVictim, 23, kSyn));
    packets.push_back(tcp(1'500'100, kVictim, 23, kAttacker, 2, kRst | kAck));
    packets.push_back(tcp(3'000'000, kAttacker, 3, kVictim, 23, kSyn));
    packets.push_back(tcp(3'000'100, kVictim, 23, kAttacker, 3, kRst | kAck));
    auto out = run(packets);
    ASSERT_EQ(out.records.size(), 3u);
    EXPECT_EQ(value(out.records[1], "count"), 2);
    EXPECT_EQ(value(out.records[2], "count"), 2) << "the first ended 3 s earlier";
    EXPECT_EQ(value(out.records[2], "dst_host_count"), 3) << "the host window counts connections, not time";
}

TEST(ConnectionFeatures, HostWindowKeepsTheLastN) {
    std::vector<PacketInfo> packets;
    for (int i = 0; i < 6; ++i) {
        const IpAddress& dst = i < 3 ? kVictim : kOther;
        packets.push_back(tcp(i * 10'000'000LL, kAttacker, static_cast<uint16_t>(100 + i), dst, 80, kSyn));
    }
    FeatureWindowConfig windows;
    windows.host_window = 3;
    auto out = run(packets, windows);
    ASSERT_EQ(out.records.size(), 6u);
    EXPECT_EQ(value(out.records[2], "dst_host_count"), 3);
    EXPECT_EQ(value(out.records[3], "dst_host_count"), 1);
    EXPECT_EQ(value(out.records[3], "dst_host_srv_count"), 3);
    EXPECT_EQ(value(out.records[3], "dst_host_srv_diff_host_rate"), 0.67);
    EXPECT_EQ(value(out.records[5], "dst_host_count"), 3);
}

// Which flags are errors, as KDDTrain+ counts them (see is_syn_error): one connection per case, alone in
// its windows, so serror_rate/rerror_rate are 0 or 1 for that connection's own flag.
struct FlagCase {
    const char* name;
    std::vector<std::pair<bool, uint8_t>> packets;  // (from originator, TCP flags)
    const char* kdd_flag;
    double serror;
    double rerror;
};

TEST(ConnectionFeatures, ErrorRatesCountTheFlagsNslKddCounts) {
    const FlagCase cases[] = {
        {"S0", {{true, kSyn}}, "S0", 1, 0},
        {"SH", {{true, kSyn}, {true, kFin | kAck}}, "SH", 1, 0},
        {"S1", {{true, kSyn}, {false, kSyn | kAck}, {true, kAck}}, "S1", 1, 0},
        {"SF", {{true, kSyn}, {false, kSyn | kAck}, {true, kAck}, {true, kFin | kAck}, {false, kFin | kAck}},
         "SF", 0, 0},
        {"REJ", {{true, kSyn}, {false, kRst | kAck}}, "REJ", 0, 1},
        {"RSTO", {{true, kSyn}, {false, kSyn | kAck}, {true, kAck}, {true, kRst}}, "RSTO", 0, 1},
        {"RSTR", {{true, kSyn}, {false, kSyn | kAck}, {true, kAck}, {false, kRst}}, "RSTR", 0, 1},
        {"RSTOS0", {{true, kSyn}, {true, kRst}}, "RSTOS0", 0, 1},
        {"RSTRH", {{false, kSyn | kAck}, {false, kRst}}, "RSTR", 0, 1},
        {"SHR", {{false, kSyn | kAck}, {false, kFin | kAck}}, "OTH", 0, 0},
    };
    for (const auto& fc : cases) {
        std::vector<PacketInfo> packets;
        int64_t t = 1'000'000;
        for (const auto& [from_orig, flags] : fc.packets) {
            packets.push_back(from_orig ? tcp(t, kAttacker, 40000, kVictim, 80, flags)
                                        : tcp(t, kVictim, 80, kAttacker, 40000, flags));
            t += 1000;
        }
        auto out = run(packets);
        ASSERT_EQ(out.records.size(), 1u) << fc.name;
        const Record& r = out.records[0];
        EXPECT_EQ(std::string(connection_flag(out.connections[0])), fc.name);
        EXPECT_EQ(text(r, "flag"), fc.kdd_flag) << fc.name;
        EXPECT_EQ(value(r, "serror_rate"), fc.serror) << fc.name;
        EXPECT_EQ(value(r, "rerror_rate"), fc.rerror) << fc.name;
        EXPECT_EQ(value(r, "dst_host_serror_rate"), fc.serror) << fc.name;
        EXPECT_EQ(value(r, "dst_host_rerror_rate"), fc.rerror) << fc.name;
    }
}

TEST(ConnectionFeatures, DefaultHostWindowIsNslKddsLast255Connections) {
    std::vector<PacketInfo> packets;
    // 300 refused connections, 10 ms apart (the 2 s window holds 200 of them), then 1 to another host.
    for (int i = 0; i < 300; ++i) {
        const int64_t t = i * 10'000LL;
        packets.push_back(tcp(t, kAttacker, static_cast<uint16_t>(2000 + i), kVictim, 80, kSyn));
        packets.push_back(tcp(t + 100, kVictim, 80, kAttacker, static_cast<uint16_t>(2000 + i), kRst | kAck));
    }
    packets.push_back(tcp(3'100'000, kAttacker, 9999, kOther, 80, kSyn));
    auto out = run(packets);
    ASSERT_EQ(out.records.size(), 301u);
    EXPECT_EQ(value(out.records[99], "dst_host_count"), 100);
    EXPECT_EQ(value(out.records[253], "dst_host_count"), 254);
    EXPECT_EQ(value(out.records[299], "dst_host_count"), 255);
    EXPECT_EQ(value(out.records[299], "count"), 201);
    const Record& last = out.records[300];
    EXPECT_EQ(value(last, "dst_host_count"), 1);
    EXPECT_EQ(value(last, "dst_host_srv_count"), 255) << "254 to the victim's port 80 and itself";
    EXPECT_EQ(value(last, "dst_host_srv_diff_host_rate"), 1.0);
}

TEST(ConnectionFeatures, IntrinsicFeaturesAndContentZeros) {
    std::vector<PacketInfo> packets;
    packets.push_back(tcp(0, kAttacker, 139, kAttacker, 139, kSyn));  // land
    packets.push_back(tcp(2'600'000, kAttacker, 139, kAttacker, 139, kAck | kUrg, 10));
    auto out = run(packets);
    ASSERT_EQ(out.records.size(), 1u);
    const Record& r = out.records[0];
    EXPECT_EQ(value(r, "land"), 1);
    EXPECT_EQ(value(r, "duration"), 2);
    EXPECT_EQ(value(r, "urgent"), 1);
    EXPECT_EQ(value(r, "src_bytes"), 10);
    EXPECT_EQ(text(r, "service"), "netbios_ssn");
    for (size_t i = kFirstContentFeature; i <= kLastContentFeature; ++i) {
        EXPECT_EQ(r.values[i].number, 0) << kNslKddFeatureNames[i];
    }
}

TEST(ConnectionFeatures, ServiceNames) {
    Connection c;
    c.protocol = ip_proto::kTcp;
    c.resp_port = 21;
    EXPECT_EQ(service_name(c), "ftp");
    c.resp_port = 20;
    EXPECT_EQ(service_name(c), "ftp_data");
    c.resp_port = 6001;
    EXPECT_EQ(service_name(c), "X11");
    c.resp_port = 31337;
    EXPECT_EQ(service_name(c), "other");
    c.resp_port = 60000;
    EXPECT_EQ(service_name(c), "private");
    c.protocol = ip_proto::kUdp;
    c.resp_port = 53;
    EXPECT_EQ(service_name(c), "domain_u");
    c.protocol = ip_proto::kIcmp;
    c.resp_port = 0;
    EXPECT_EQ(service_name(c), "ecr_i");
    c.resp_port = 13;
    EXPECT_EQ(service_name(c), "tim_i");
    c.resp_port = 42;
    EXPECT_EQ(service_name(c), "oth_i");
}

#ifdef VIGIL_HAVE_TRAFFIC_MODEL
TEST(ConnectionFeatures, OrderMatchesTheNslKddSchema) {
    const Schema& schema = nsl_kdd_schema();
    ASSERT_EQ(schema.fields.size(), kNslKddFeatureNames.size());
    for (size_t i = 0; i < schema.fields.size(); ++i) EXPECT_EQ(schema.fields[i].name, kNslKddFeatureNames[i]);
}
#endif

}  // namespace
}  // namespace vigil::traffic
