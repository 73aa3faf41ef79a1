#pragma once
// Live capture needs CAP_NET_RAW, which root lacks in some containers: tests skip there rather than fail.
#include <unistd.h>

#include <fstream>
#include <string>

namespace vigil::testing {

inline bool can_capture_packets() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("CapEff:", 0) != 0) continue;
        const unsigned long long caps = std::stoull(line.substr(7), nullptr, 16);
        return ((caps >> 13) & 1u) != 0;  // CAP_NET_RAW
    }
    return geteuid() == 0;
}

}  // namespace vigil::testing
