#include "vigil/traffic/pcap_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "packet_builder.hpp"
#include "pcap_writer.hpp"
#include "vigil/traffic/capture_analysis.hpp"

namespace vigil::traffic {
namespace {

namespace fs = std::filesystem;

class PcapFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("vigil_pcap_test_" + std::to_string(getpid()));
        fs::create_directories(dir_);
        // A three-packet handshake plus an ARP frame.
        testing::Ipv4Spec syn;
        testing::Ipv4Spec synack = syn;
        std::swap(synack.src, synack.dst);
        std::swap(synack.src_port, synack.dst_port);
        synack.tcp_flags = tcp_flag::kSyn | tcp_flag::kAck;
        testing::Ipv4Spec ack = syn;
        ack.tcp_flags = tcp_flag::kAck;
        frames_ = {{1'000'000, testing::ethernet(testing::ipv4(syn))},
                   {1'000'100, testing::ethernet(testing::ipv4(synack))},
                   {1'000'200, testing::ethernet(testing::ipv4(ack))},
                   {1'000'300, testing::ethernet(std::vector<uint8_t>(28, 0), 0x0806)}};
        plain_ = dir_ / "handshake.pcap";
        gz_ = dir_ / "handshake.pcap.gz";
        ASSERT_TRUE(testing::write_pcap(plain_, DLT_EN10MB, frames_));
        ASSERT_TRUE(testing::gzip_file(plain_, gz_));
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path dir_;
    fs::path plain_;
    fs::path gz_;
    std::vector<testing::Frame> frames_;
};

TEST_F(PcapFileTest, ReadsPlainAndGzipCaptures) {
    for (const auto& path : {plain_, gz_}) {
        auto file = PcapFile::open(path);
        ASSERT_TRUE(file.ok()) << file.error().message;
        EXPECT_EQ(file->link_type(), DLT_EN10MB);
        RawPacket raw;
        size_t n = 0;
        while (file->next(raw)) {
            ASSERT_LT(n, frames_.size());
            EXPECT_EQ(raw.ts_us, frames_[n].ts_us);
            EXPECT_EQ(raw.caplen, frames_[n].bytes.size());
            ++n;
        }
        EXPECT_EQ(n, frames_.size());
        EXPECT_TRUE(file->error().empty()) << file->error();
    }
}

TEST_F(PcapFileTest, AnalysisCountsPacketsAndConnections) {
    auto file = PcapFile::open(gz_);
    ASSERT_TRUE(file.ok());
    size_t seen = 0;
    CaptureAnalysisOptions options;
    options.on_connection = [&](const ScoredConnection& s) {
        ++seen;
        EXPECT_EQ(s.verdict, nullptr);
        EXPECT_EQ(s.flow.flag, "S1");
        EXPECT_EQ(s.flow.service, "http");
    };
    auto summary = analyze_capture(*file, options);
    ASSERT_TRUE(summary.ok()) << summary.error().message;
    EXPECT_EQ(summary->packets, 4u);
    EXPECT_EQ(summary->not_ip, 1u);
    EXPECT_EQ(summary->decode_errors, 0u);
    EXPECT_EQ(summary->connections, 1u);
    EXPECT_EQ(seen, 1u);
}

TEST_F(PcapFileTest, RefusesWhatIsNotACapture) {
    const fs::path text = dir_ / "notes.txt";
    std::ofstream(text) << "this is not a capture\n";
    auto file = PcapFile::open(text);
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.error().code, ErrorCode::kFormat);

    EXPECT_EQ(PcapFile::open(dir_ / "missing.pcap").error().code, ErrorCode::kIo);
    EXPECT_EQ(PcapFile::from_bytes({}, "empty").error().code, ErrorCode::kFormat);

    auto gz = testing::read_all(gz_);
    gz.resize(gz.size() / 2);  // truncated gzip stream
    auto cut = PcapFile::from_bytes(gz, "cut.gz");
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().code, ErrorCode::kFormat);
}

TEST_F(PcapFileTest, CorruptRecordIsReportedNotFatal) {
    auto bytes = testing::read_all(plain_);
    bytes.resize(bytes.size() - 10);  // the last record ends early
    auto file = PcapFile::from_bytes(bytes, "cut.pcap");
    ASSERT_TRUE(file.ok());
    auto summary = analyze_capture(*file, {});
    ASSERT_FALSE(summary.ok());
    EXPECT_NE(summary.error().message.find("after 3 packets"), std::string::npos) << summary.error().message;
}

TEST(Gunzip, RefusesBombs) {
    std::vector<char> zeros(1 << 20, 0);
    uLongf len = compressBound(zeros.size());
    // A gzip stream (windowBits 15+16) of 1 MiB of zeros, inflated with a 64 KiB limit.
    z_stream zs{};
    ASSERT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::vector<char> gz(len + 64);
    zs.next_in = reinterpret_cast<Bytef*>(zeros.data());
    zs.avail_in = static_cast<uInt>(zeros.size());
    zs.next_out = reinterpret_cast<Bytef*>(gz.data());
    zs.avail_out = static_cast<uInt>(gz.size());
    ASSERT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    gz.resize(zs.total_out);
    deflateEnd(&zs);
    auto small = maybe_gunzip(gz, 1 << 16);
    ASSERT_FALSE(small.ok());
    EXPECT_EQ(small.error().code, ErrorCode::kTooLarge);
    auto fits = maybe_gunzip(gz, 1 << 21);
    ASSERT_TRUE(fits.ok());
    EXPECT_EQ(fits->size(), zeros.size());
}

}  // namespace
}  // namespace vigil::traffic
