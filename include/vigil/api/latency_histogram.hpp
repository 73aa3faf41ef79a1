#pragma once
// A lock-free latency histogram with power-of-two microsecond buckets, for percentiles in /api/v1/statistics.
#include <array>
#include <atomic>
#include <cstdint>

namespace vigil::api {

class LatencyHistogram {
public:
    static constexpr std::size_t kBuckets = 32;  // bucket b holds [2^(b-1), 2^b) us; bucket 0 holds 0

    void record(int64_t micros);
    uint64_t count() const;
    // Upper bound of the bucket holding quantile q (0..1), in microseconds; 0 when empty.
    int64_t quantile_us(double q) const;

private:
    std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
};

}  // namespace vigil::api
