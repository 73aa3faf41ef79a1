#pragma once
// Exact TreeSHAP for flagged verdicts, computed off the request path. A cache miss is answered with the cheap
// path attribution; the job queued here recomputes the contributions exactly on one background thread and
// replaces the cached verdict, so the next request for the URL gets the exact explanation.
//
// Only the computation runs at idle priority (SCHED_IDLE: only when a core would otherwise idle). Everything
// that takes a lock shared with request threads — the job queue, malloc arenas, the cache shard — runs at
// normal priority, so a preempted idle thread never holds a lock a request waits for. A request never waits
// for this thread at all: posting only try-locks, and a full or busy queue drops the job (counted).
#include <array>
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
    std::array<float, features::kNumFeatures + 1> contributions{};  // filled by `compute`
};

class BackgroundExplainer {
public:
    // On the worker thread only: `compute` (idle priority; must not lock or allocate) fills the job's
    // contributions, then `publish` (normal priority) turns it into the exact verdict and stores it.
    // `warm_up` runs once at normal priority first (e.g. to allocate thread-local scratch).
    BackgroundExplainer(std::size_t capacity, std::function<void(ExactExplanationJob&)> compute,
                        std::function<void(const ExactExplanationJob&)> publish, std::function<void()> warm_up = {});
    ~BackgroundExplainer();
    BackgroundExplainer(const BackgroundExplainer&) = delete;
    BackgroundExplainer& operator=(const BackgroundExplainer&) = delete;

    // Never blocks on the worker; false (and counted) when the queue is full or momentarily locked.
    bool try_post(ExactExplanationJob job);

    uint64_t done() const { return done_.load(std::memory_order_relaxed); }
    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    std::size_t pending() const;

private:
    void run();

    const std::size_t capacity_;
    std::function<void(ExactExplanationJob&)> compute_;
    std::function<void(const ExactExplanationJob&)> publish_;
    std::function<void()> warm_up_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<ExactExplanationJob> jobs_;
    bool stopping_ = false;
    std::atomic<uint64_t> done_{0}, dropped_{0};
    std::thread worker_;  // last: starts after everything it reads exists
};

}  // namespace vigil::api
