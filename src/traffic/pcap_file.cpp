#include "vigil/traffic/pcap_file.hpp"

#include <pcap/pcap.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace vigil::traffic {

void PcapFile::Closer::operator()(pcap* p) const {
    if (p != nullptr) pcap_close(p);  // also closes the fmemopen FILE*
}

Result<std::vector<char>> maybe_gunzip(std::vector<char> bytes, size_t max_bytes) {
    if (bytes.size() < 2 || static_cast<uint8_t>(bytes[0]) != 0x1F || static_cast<uint8_t>(bytes[1]) != 0x8B) {
        return bytes;
    }
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return make_error(ErrorCode::kInternal, "zlib: inflateInit2 failed");
    std::vector<char> out;
    out.resize(std::min(max_bytes, std::max<size_t>(bytes.size() * 4, 1 << 16)));
    zs.next_in = reinterpret_cast<Bytef*>(bytes.data());
    zs.avail_in = static_cast<uInt>(bytes.size());
    size_t produced = 0;
    int rc = Z_OK;
    while (true) {
        if (produced == out.size()) {
            if (out.size() >= max_bytes) {
                inflateEnd(&zs);
                return make_error(ErrorCode::kTooLarge, "capture is larger than " + std::to_string(max_bytes >> 20) +
                                                            " MiB once decompressed");
            }
            out.resize(std::min(max_bytes, out.size() * 2));
        }
        zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
        zs.avail_out = static_cast<uInt>(std::min<size_t>(out.size() - produced, 1u << 30));
        const uInt before = zs.avail_out;
        rc = inflate(&zs, Z_NO_FLUSH);
        produced += before - zs.avail_out;
        if (rc == Z_STREAM_END) {
            if (zs.avail_in == 0) break;
            inflateReset(&zs);  // concatenated gzip members
            continue;
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) break;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated stream
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        return make_error(ErrorCode::kFormat, std::string("gzip data is corrupt or truncated") +
                                                  (zs.msg != nullptr ? std::string(": ") + zs.msg : std::string()));
    }
    out.resize(produced);
    return out;
}

Result<PcapFile> PcapFile::open(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::kIo, "cannot open " + path.string());
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return make_error(ErrorCode::kIo, "cannot read " + path.string());
    return from_bytes(std::move(bytes), path.string());
}

Result<PcapFile> PcapFile::from_bytes(std::vector<char> bytes, const std::string& name) {
    auto inflated = maybe_gunzip(std::move(bytes), kMaxBytes);
    if (!inflated) return make_error(inflated.error().code, name + ": " + inflated.error().message);
    PcapFile file;
    file.name_ = name;
    file.bytes_ = std::move(inflated.value());
    if (file.bytes_.empty()) return make_error(ErrorCode::kFormat, name + ": empty file, not a capture");
    FILE* fp = fmemopen(file.bytes_.data(), file.bytes_.size(), "rb");
    if (fp == nullptr) return make_error(ErrorCode::kIo, name + ": fmemopen failed");
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (p == nullptr) {
        std::fclose(fp);
        return make_error(ErrorCode::kFormat, name + ": not a pcap or pcapng capture (" + errbuf + ")");
    }
    file.handle_.reset(p);
    return file;
}

PcapFile::PcapFile(PcapFile&&) noexcept = default;
PcapFile& PcapFile::operator=(PcapFile&&) noexcept = default;
PcapFile::~PcapFile() = default;

int PcapFile::link_type() const { return pcap_datalink(handle_.get()); }

bool PcapFile::next(RawPacket& out) {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(handle_.get(), &header, &data);
    if (rc == 1) {
        out.ts_us = static_cast<int64_t>(header->ts.tv_sec) * 1'000'000 + header->ts.tv_usec;
        out.data = data;
        out.caplen = header->caplen;
        out.wirelen = header->len;
        return true;
    }
    if (rc == PCAP_ERROR) error_ = name_ + ": " + pcap_geterr(handle_.get());
    return false;
}

size_t PcapFile::position() const {
    FILE* fp = pcap_file(handle_.get());
    if (fp == nullptr) return 0;
    const long pos = std::ftell(fp);
    return pos < 0 ? 0 : static_cast<size_t>(pos);
}

}  // namespace vigil::traffic
