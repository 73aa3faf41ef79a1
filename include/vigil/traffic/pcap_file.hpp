#pragma once
// A capture file (pcap or pcapng, optionally gzip-compressed) read from memory through libpcap.
// The whole file is loaded (and inflated) first, so reading packets never touches the disk.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vigil/core/result.hpp"

struct pcap;

namespace vigil::traffic {

struct RawPacket {
    int64_t ts_us = 0;
    const uint8_t* data = nullptr;  // valid until the next call to next()
    uint32_t caplen = 0;
    uint32_t wirelen = 0;
};

class PcapFile {
public:
    // Inflated captures larger than this are refused (a gzip bomb must not take the machine down).
    static constexpr size_t kMaxBytes = size_t{1} << 31;

    static Result<PcapFile> open(const std::filesystem::path& path);
    // `bytes` may be gzip-compressed; `name` is used in error messages.
    static Result<PcapFile> from_bytes(std::vector<char> bytes, const std::string& name);

    PcapFile(PcapFile&&) noexcept;
    PcapFile& operator=(PcapFile&&) noexcept;
    ~PcapFile();

    int link_type() const;  // DLT_* value
    // True and fills `out` for the next packet; false at the end of the file or on a corrupt record
    // (then error() says which).
    bool next(RawPacket& out);
    const std::string& error() const { return error_; }
    size_t size_bytes() const { return bytes_.size(); }
    size_t position() const;  // bytes consumed so far, for progress

private:
    struct Closer {
        void operator()(pcap* p) const;
    };
    PcapFile() = default;

    std::vector<char> bytes_;  // the capture in memory; libpcap reads it through fmemopen
    std::unique_ptr<pcap, Closer> handle_;
    std::string name_;
    std::string error_;
};

// Inflates gzip data (any number of members); other bytes are returned unchanged.
Result<std::vector<char>> maybe_gunzip(std::vector<char> bytes, size_t max_bytes);

}  // namespace vigil::traffic
