#include "vigil/server/http_metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace vigil::server {

HttpMetrics::Series* HttpMetrics::find_or_add(std::string_view route, unsigned status) {
    size_t n = used_.load(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i) {
        Series& s = series_[i];
        if (s.status == status && s.route == route) return &s;
    }
    std::lock_guard lock(add_mutex_);
    n = used_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < n; ++i) {
        Series& s = series_[i];
        if (s.status == status && s.route == route) return &s;
    }
    if (n == kMaxSeries) return nullptr;  // bounded cardinality: drop rather than grow
    Series& s = series_[n];
    s.route = route;
    s.status = status;
    s.used.store(true, std::memory_order_relaxed);
    used_.store(n + 1, std::memory_order_release);
    return &s;
}

void HttpMetrics::observe(std::string_view route, unsigned status, double seconds) {
    Series* s = find_or_add(route, status);
    if (s == nullptr) return;
    s->count.fetch_add(1, std::memory_order_relaxed);
    s->sum_ns.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
    for (size_t b = 0; b < kBucketsSeconds.size(); ++b) {
        if (seconds <= kBucketsSeconds[b]) {
            s->buckets[b].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
}

uint64_t HttpMetrics::total_requests() const {
    uint64_t total = 0;
    size_t n = used_.load(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i) total += series_[i].count.load(std::memory_order_relaxed);
    return total;
}

double HttpMetrics::latency_quantile_seconds(double q, std::string_view route) const {
    std::array<uint64_t, kBucketsSeconds.size()> buckets{};
    uint64_t total = 0;
    const size_t n = used_.load(std::memory_order_acquire);
    for (size_t i = 0; i < n; ++i) {
        const Series& s = series_[i];
        if (!route.empty() && s.route != route) continue;
        total += s.count.load(std::memory_order_relaxed);
        for (size_t b = 0; b < buckets.size(); ++b) buckets[b] += s.buckets[b].load(std::memory_order_relaxed);
    }
    if (total == 0) return 0;
    const double rank = std::clamp(q, 0.0, 1.0) * static_cast<double>(total);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < buckets.size(); ++b) {
        cumulative += buckets[b];
        if (static_cast<double>(cumulative) >= rank && cumulative > 0) return kBucketsSeconds[b];
    }
    return std::numeric_limits<double>::infinity();
}

void HttpMetrics::append_prometheus(std::string& out) const {
    char line[256];
    size_t n = used_.load(std::memory_order_acquire);
    out += "# HELP vigil_http_requests_total HTTP requests by route and status.\n";
    out += "# TYPE vigil_http_requests_total counter\n";
    for (size_t i = 0; i < n; ++i) {
        const Series& s = series_[i];
        std::snprintf(line, sizeof line, "vigil_http_requests_total{route=\"%.*s\",status=\"%u\"} %llu\n",
                      static_cast<int>(s.route.size()), s.route.data(), s.status,
                      static_cast<unsigned long long>(s.count.load(std::memory_order_relaxed)));
        out += line;
    }
    out += "# HELP vigil_http_request_duration_seconds Time from full request read to response ready.\n";
    out += "# TYPE vigil_http_request_duration_seconds histogram\n";
    for (size_t i = 0; i < n; ++i) {
        const Series& s = series_[i];
        const int rl = static_cast<int>(s.route.size());
        uint64_t cumulative = 0;
        for (size_t b = 0; b < kBucketsSeconds.size(); ++b) {
            cumulative += s.buckets[b].load(std::memory_order_relaxed);
            std::snprintf(line, sizeof line,
                          "vigil_http_request_duration_seconds_bucket{route=\"%.*s\",status=\"%u\",le=\"%g\"} %llu\n",
                          rl, s.route.data(), s.status, kBucketsSeconds[b],
                          static_cast<unsigned long long>(cumulative));
            out += line;
        }
        const auto count = static_cast<unsigned long long>(s.count.load(std::memory_order_relaxed));
        std::snprintf(line, sizeof line,
                      "vigil_http_request_duration_seconds_bucket{route=\"%.*s\",status=\"%u\",le=\"+Inf\"} %llu\n",
                      rl, s.route.data(), s.status, count);
        out += line;
        std::snprintf(line, sizeof line, "vigil_http_request_duration_seconds_sum{route=\"%.*s\",status=\"%u\"} %.9f\n",
                      rl, s.route.data(), s.status, static_cast<double>(s.sum_ns.load(std::memory_order_relaxed)) / 1e9);
        out += line;
        std::snprintf(line, sizeof line, "vigil_http_request_duration_seconds_count{route=\"%.*s\",status=\"%u\"} %llu\n",
                      rl, s.route.data(), s.status, count);
        out += line;
    }
}

}  // namespace vigil::server
