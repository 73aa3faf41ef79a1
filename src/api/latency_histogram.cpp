#include "vigil/api/latency_histogram.hpp"

#include <bit>
#include <cmath>

namespace vigil::api {

void LatencyHistogram::record(int64_t micros) {
    const uint64_t v = micros < 0 ? 0 : static_cast<uint64_t>(micros);
    std::size_t b = static_cast<std::size_t>(std::bit_width(v));
    if (b >= kBuckets) b = kBuckets - 1;
    buckets_[b].fetch_add(1, std::memory_order_relaxed);
}

uint64_t LatencyHistogram::count() const {
    uint64_t n = 0;
    for (const auto& b : buckets_) n += b.load(std::memory_order_relaxed);
    return n;
}

int64_t LatencyHistogram::quantile_us(double q) const {
    std::array<uint64_t, kBuckets> snapshot{};
    uint64_t n = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) n += snapshot[i] = buckets_[i].load(std::memory_order_relaxed);
    if (n == 0) return 0;
    q = q < 0 ? 0 : q > 1 ? 1 : q;
    const auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(n)));
    uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += snapshot[i];
        if (seen >= rank && snapshot[i] > 0) return i == 0 ? 0 : (int64_t{1} << i) - 1;
    }
    return (int64_t{1} << (kBuckets - 1)) - 1;
}

}  // namespace vigil::api
