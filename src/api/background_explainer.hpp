#pragma once
// Exact TreeSHAP for flagged verdicts, computed off the request path. A cache miss is answered with the cheap
// path attribution; the job queued here recomputes the contributions exactly on one idle-priority thread
// (SCHED_IDLE: it runs only when a core would otherwise idle) and replaces the cached verdict, so the next
// request for the URL gets the exact explanation. Under saturation the bounded queue fills and jobs are dropped
// (counted), never blocking a request.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "vigil/api/url_verdict.hpp"
#include "vigil/features/url_features.hpp"

namespace vigil::api {

struct ExactExplanationJob {
    features::FeatureVector row{};
    std::shared_ptr<const UrlVerdict> verdict;  // the path-attributed verdict that was answered and cached
};

class BackgroundExplainer {
public:
    // `explain` turns a job into the exact verdict and stores it; it runs on the worker thread only.
    BackgroundExplainer(std::size_t capacity, std::function<void(const ExactExplanationJob&)> explain);
    ~BackgroundExplainer();
    BackgroundExplainer(const BackgroundExplainer&) = delete;
    BackgroundExplainer& operator=(const BackgroundExplainer&) = delete;

    // Never blocks on the worker; false (and counted) when the queue is full.
    bool try_post(ExactExplanationJob job);

    uint64_t done() const { return done_.load(std::memory_order_relaxed); }
    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    std::size_t pending() const;

private:
    void run();

    const std::size_t capacity_;
    std::function<void(const ExactExplanationJob&)> explain_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<ExactExplanationJob> jobs_;
    bool stopping_ = false;
    std::atomic<uint64_t> done_{0}, dropped_{0};
    std::thread worker_;  // last: starts after everything it reads exists
};

}  // namespace vigil::api
