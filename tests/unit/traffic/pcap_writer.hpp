#pragma once
// Writes tiny capture files for tests with libpcap's own dumper (optionally gzip-compressed).
#include <pcap/pcap.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace vigil::traffic::testing {

struct Frame {
    int64_t ts_us = 0;
    std::vector<uint8_t> bytes;
};

inline bool write_pcap(const std::filesystem::path& path, int dlt, const std::vector<Frame>& frames) {
    pcap_t* dead = pcap_open_dead(dlt, 65535);
    if (dead == nullptr) return false;
    pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
    if (dumper == nullptr) {
        pcap_close(dead);
        return false;
    }
    for (const auto& f : frames) {
        pcap_pkthdr h{};
        h.ts.tv_sec = f.ts_us / 1'000'000;
        h.ts.tv_usec = f.ts_us % 1'000'000;
        h.caplen = h.len = static_cast<bpf_u_int32>(f.bytes.size());
        pcap_dump(reinterpret_cast<u_char*>(dumper), &h, f.bytes.data());
    }
    pcap_dump_close(dumper);
    pcap_close(dead);
    return true;
}

inline std::vector<char> read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline bool gzip_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    const auto bytes = read_all(from);
    gzFile gz = gzopen(to.c_str(), "wb");
    if (gz == nullptr) return false;
    const int n = gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(gz);
    return n == static_cast<int>(bytes.size());
}

}  // namespace vigil::traffic::testing
