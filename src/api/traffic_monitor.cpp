#include "vigil/api/traffic_monitor.hpp"

#include <algorithm>

#include "vigil/api/json_writer.hpp"

namespace vigil::api {
namespace {

std::string_view state_name(TrafficJob::State s) {
    switch (s) {
        case TrafficJob::State::kRunning: return "running";
        case TrafficJob::State::kFinished: return "finished";
        case TrafficJob::State::kFailed: return "failed";
    }
    return "unknown";
}

}  // namespace

void TrafficJob::finish(int64_t now_ms, std::string_view error) {
    if (!error.empty()) {
        std::lock_guard lock(error_mutex_);
        error_.assign(error);
    }
    finished_ms_.store(now_ms, std::memory_order_relaxed);
    state_.store(error.empty() ? State::kFinished : State::kFailed, std::memory_order_release);
}

TrafficJob::Snapshot TrafficJob::snapshot() const {
    Snapshot s;
    s.id = id_;
    s.name = name_;
    s.kind = kind_;
    const State state = state_.load(std::memory_order_acquire);
    s.state = std::string(state_name(state));
    {
        std::lock_guard lock(error_mutex_);
        s.error = error_;
    }
    s.started_ms = started_ms_;
    s.finished_ms = finished_ms_.load(std::memory_order_relaxed);
    s.packets = packets_.load(std::memory_order_relaxed);
    s.bytes = bytes_.load(std::memory_order_relaxed);
    s.flows = flows_.load(std::memory_order_relaxed);
    s.drops = drops_.load(std::memory_order_relaxed);
    s.verdicts = verdicts_.load(std::memory_order_relaxed);
    s.attacks = attacks_.load(std::memory_order_relaxed);
    return s;
}

std::shared_ptr<TrafficJob> TrafficMonitor::start_job(std::string name, std::string kind, int64_t now_ms) {
    std::lock_guard lock(mutex_);
    // Keep every running job and the newest finished ones.
    std::size_t finished = 0;
    for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it) {
        if ((*it)->state_.load(std::memory_order_relaxed) != TrafficJob::State::kRunning) ++finished;
    }
    while (finished > finished_kept_) {
        auto oldest = std::find_if(jobs_.begin(), jobs_.end(), [](const auto& j) {
            return j->state_.load(std::memory_order_relaxed) != TrafficJob::State::kRunning;
        });
        if (oldest == jobs_.end()) break;
        jobs_.erase(oldest);
        --finished;
    }
    auto job = std::make_shared<TrafficJob>(next_id_++, std::move(name), std::move(kind), now_ms);
    jobs_.push_back(job);
    return job;
}

void TrafficMonitor::note_verdict(TrafficJob* job, RecentVerdict verdict) {
    if (job != nullptr) {
        job->verdicts_.fetch_add(1, std::memory_order_relaxed);
        if (verdict.attack) job->attacks_.fetch_add(1, std::memory_order_relaxed);
    }
    if (recent_capacity_ == 0) return;
    std::lock_guard lock(mutex_);
    if (recent_.size() >= recent_capacity_) recent_.pop_front();
    recent_.push_back(std::move(verdict));
}

std::vector<TrafficJob::Snapshot> TrafficMonitor::jobs() const {
    std::vector<std::shared_ptr<TrafficJob>> copy;
    {
        std::lock_guard lock(mutex_);
        copy = jobs_;
    }
    std::vector<TrafficJob::Snapshot> out;
    out.reserve(copy.size());
    for (const auto& j : copy) out.push_back(j->snapshot());
    return out;
}

std::vector<RecentVerdict> TrafficMonitor::recent() const {
    std::lock_guard lock(mutex_);
    return {recent_.rbegin(), recent_.rend()};
}

void TrafficMonitor::append_json(std::string& out) const {
    JsonWriter w(out);
    w.begin_object().key("jobs").begin_array();
    for (const auto& j : jobs()) {
        w.begin_object();
        w.field("id", j.id).field("name", j.name).field("kind", j.kind).field("state", j.state);
        w.field("started_ts_ms", j.started_ms);
        w.key("finished_ts_ms");
        if (j.finished_ms > 0) w.value(j.finished_ms); else w.null();
        w.field("packets", j.packets).field("bytes", j.bytes).field("flows", j.flows).field("drops", j.drops);
        w.field("verdicts", j.verdicts).field("attacks", j.attacks);
        if (!j.error.empty()) w.field("error", j.error);
        w.end_object();
    }
    w.end_array().key("recent_verdicts").begin_array();
    for (const auto& v : recent()) {
        w.begin_object();
        w.field("ts_ms", v.ts_ms).field("source", v.source).field("prediction", v.attack ? "attack" : "normal");
        w.field("family", v.family).field("probability", v.probability).field("severity", to_string(v.severity));
        w.field("record_id", v.record_id);
        w.end_object();
    }
    w.end_array().end_object();
}

}  // namespace vigil::api
