#include "background_explainer.hpp"

#include <pthread.h>
#include <sched.h>

namespace vigil::api {

BackgroundExplainer::BackgroundExplainer(std::size_t capacity, std::function<void(const ExactExplanationJob&)> explain)
    : capacity_(capacity), explain_(std::move(explain)), worker_([this] { run(); }) {}

BackgroundExplainer::~BackgroundExplainer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        jobs_.clear();  // explanations are a refinement: nothing is lost by not finishing them
    }
    wake_.notify_one();
    worker_.join();
}

bool BackgroundExplainer::try_post(ExactExplanationJob job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || jobs_.size() >= capacity_) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        jobs_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

std::size_t BackgroundExplainer::pending() const {
    std::lock_guard lock(mutex_);
    return jobs_.size();
}

void BackgroundExplainer::run() {
    // Idle priority: the request threads always win the cores. Failure (e.g. a seccomp profile) only means the
    // worker competes at normal priority.
    sched_param param{};
    (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
    while (true) {
        ExactExplanationJob job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        explain_(job);
        done_.fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace vigil::api
