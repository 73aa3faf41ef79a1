#pragma once
// Request counters and latency histograms by route and status, in Prometheus text format.
// Observation is lock-free after a (route, status) pair's first use.
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace vigil::server {

class HttpMetrics {
public:
    static constexpr std::array<double, 12> kBucketsSeconds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                               0.01,   0.025,   0.05,   0.1,   0.5,    1.0};

    // `route` must outlive this object (route labels are owned by the Router or are literals).
    void observe(std::string_view route, unsigned status, double seconds);
    void append_prometheus(std::string& out) const;
    uint64_t total_requests() const;
    // Upper bucket bound (seconds) under which a fraction q of the requests of `route` finished (all routes when
    // empty); +inf when it lies past the last bucket, 0 when there were none. For /api/v1/statistics.
    double latency_quantile_seconds(double q, std::string_view route = {}) const;

private:
    struct Series {
        std::atomic<bool> used{false};
        std::string_view route;
        unsigned status = 0;
        std::atomic<uint64_t> count{0};
        std::atomic<uint64_t> sum_ns{0};
        std::array<std::atomic<uint64_t>, kBucketsSeconds.size()> buckets{};
    };
    static constexpr size_t kMaxSeries = 256;
    Series* find_or_add(std::string_view route, unsigned status);

    std::array<Series, kMaxSeries> series_{};
    std::atomic<size_t> used_{0};
    std::mutex add_mutex_;
};

}  // namespace vigil::server
