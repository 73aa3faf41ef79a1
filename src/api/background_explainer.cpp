#include "background_explainer.hpp"

#include <pthread.h>
#include <sched.h>

namespace vigil::api {
namespace {

// Failure (e.g. under a seccomp profile) only means the computation competes at normal priority.
void set_idle_priority(bool idle) {
    sched_param param{};
    (void)pthread_setschedparam(pthread_self(), idle ? SCHED_IDLE : SCHED_OTHER, &param);
}

}  // namespace

BackgroundExplainer::BackgroundExplainer(std::size_t capacity, std::function<void(ExactExplanationJob&)> compute,
                                         std::function<void(const ExactExplanationJob&)> publish,
                                         std::function<void()> warm_up)
    : capacity_(capacity),
      compute_(std::move(compute)),
      publish_(std::move(publish)),
      warm_up_(std::move(warm_up)),
      worker_([this] { run(); }) {}

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
        std::unique_lock lock(mutex_, std::try_to_lock);
        if (!lock.owns_lock() || stopping_ || jobs_.size() >= capacity_) {
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
    if (warm_up_) warm_up_();
    while (true) {
        ExactExplanationJob job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
            if (stopping_) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        set_idle_priority(true);
        compute_(job);
        set_idle_priority(false);
        publish_(job);
        done_.fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace vigil::api
