// Packets per second on real captures held in memory (the disk is not measured):
//   decode            decode_packet() alone
//   pipeline          decode + connection tracker + NSL-KDD window features + record per connection
//   file_pipeline     the same, plus libpcap parsing the in-memory pcap (what `vigil pcap` does
//                     once the file is loaded and inflated)
// Captures: syn_flood (12,371 packets, ~1 connection per 2 packets: the worst case for features),
// ftp_bruteforce (19,730 packets, 1,415 connections), nmap_syn_scan (2,020 packets).
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "vigil/core/data_dir.hpp"
#include "vigil/traffic/connection_rules.hpp"
#include "vigil/traffic/packet_pipeline.hpp"
#include "vigil/traffic/pcap_file.hpp"

namespace {

using namespace vigil::traffic;

struct Frame {
    int64_t ts_us;
    std::vector<uint8_t> bytes;
};

struct Capture {
    int dlt = 0;
    std::vector<Frame> frames;
    std::vector<char> file_bytes;  // inflated pcap, for the libpcap variant
    std::string error;
};

const Capture& capture(const std::string& name) {
    static std::map<std::string, Capture> cache;
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
    Capture c;
    const auto path = vigil::data_dir(VIGIL_SOURCE_DIR) / "traffic" / "pcaps" / name;
    auto file = PcapFile::open(path);
    if (!file) {
        c.error = file.error().message;
    } else {
        c.dlt = file->link_type();
        RawPacket raw;
        while (file->next(raw)) c.frames.push_back({raw.ts_us, std::vector<uint8_t>(raw.data, raw.data + raw.caplen)});
        std::ifstream in(path, std::ios::binary);
        auto gz = std::vector<char>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto inflated = maybe_gunzip(std::move(gz), PcapFile::kMaxBytes);
        if (inflated) c.file_bytes = std::move(inflated.value());
    }
    return cache.emplace(name, std::move(c)).first->second;
}

void BM_Decode(benchmark::State& state, const std::string& name) {
    const Capture& c = capture(name);
    if (!c.error.empty()) return state.SkipWithError(c.error.c_str());
    PacketInfo p;
    for (auto _ : state) {
        for (const auto& f : c.frames) {
            benchmark::DoNotOptimize(decode_packet(c.dlt, f.bytes.data(), f.bytes.size(), f.ts_us, p));
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.frames.size()));
}

void BM_Pipeline(benchmark::State& state, const std::string& name) {
    const Capture& c = capture(name);
    if (!c.error.empty()) return state.SkipWithError(c.error.c_str());
    uint64_t connections = 0;
    for (auto _ : state) {
        PacketPipeline pipeline(c.dlt, {}, [&](const FinishedConnection& f) {
            benchmark::DoNotOptimize(f.record.values.data());
            ++connections;
        });
        for (const auto& f : c.frames) pipeline.on_frame(f.ts_us, f.bytes.data(), f.bytes.size());
        pipeline.finish();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.frames.size()));
    state.counters["connections"] = static_cast<double>(connections) / static_cast<double>(state.iterations());
}

// The pipeline plus the brute-force and port-scan rules on every connection (a fixed model verdict: the
// model's cost is measured elsewhere).
void BM_PipelineRules(benchmark::State& state, const std::string& name) {
    const Capture& c = capture(name);
    if (!c.error.empty()) return state.SkipWithError(c.error.c_str());
    uint64_t fired = 0;
    TrafficVerdict verdict;
    for (auto _ : state) {
        ConnectionRules rules;
        PacketPipeline pipeline(c.dlt, {}, [&](const FinishedConnection& f) {
            verdict.attack = false;
            verdict.family = "normal";
            verdict.probability = 0.1;
            verdict.reasons.clear();
            fired += rules.apply(f.connection, verdict);
        });
        for (const auto& f : c.frames) pipeline.on_frame(f.ts_us, f.bytes.data(), f.bytes.size());
        pipeline.finish();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.frames.size()));
    state.counters["rule_hits"] = static_cast<double>(fired) / static_cast<double>(state.iterations());
}

void BM_FilePipeline(benchmark::State& state, const std::string& name) {
    const Capture& c = capture(name);
    if (!c.error.empty()) return state.SkipWithError(c.error.c_str());
    for (auto _ : state) {
        auto file = PcapFile::from_bytes(c.file_bytes, name);  // copies the bytes: part of the cost
        PacketPipeline pipeline(file->link_type(), {}, [](const FinishedConnection& f) {
            benchmark::DoNotOptimize(f.record.values.data());
        });
        RawPacket raw;
        while (file->next(raw)) pipeline.on_frame(raw.ts_us, raw.data, raw.caplen);
        pipeline.finish();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.frames.size()));
}

}  // namespace

BENCHMARK_CAPTURE(BM_Decode, syn_flood, std::string("syn_flood.pcap.gz"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Decode, ftp_bruteforce, std::string("ftp_bruteforce.pcap.gz"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Pipeline, syn_flood, std::string("syn_flood.pcap.gz"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Pipeline, ftp_bruteforce, std::string("ftp_bruteforce.pcap.gz"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Pipeline, nmap_syn_scan, std::string("nmap_syn_scan_evilfingers.pcap.gz"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PipelineRules, syn_flood, std::string("syn_flood.pcap.gz"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PipelineRules, ftp_bruteforce, std::string("ftp_bruteforce.pcap.gz"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PipelineRules, nmap_syn_scan, std::string("nmap_syn_scan_evilfingers.pcap.gz"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_FilePipeline, syn_flood, std::string("syn_flood.pcap.gz"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_FilePipeline, ftp_bruteforce, std::string("ftp_bruteforce.pcap.gz"))
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
