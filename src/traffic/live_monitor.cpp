#include "vigil/traffic/live_monitor.hpp"

#include <optional>

namespace vigil::traffic {

Result<std::unique_ptr<LiveTrafficMonitor>> LiveTrafficMonitor::start(LiveCaptureOptions options,
                                                                      const TrafficModel* model,
                                                                      ConnectionSink sink, size_t recent_capacity) {
    std::unique_ptr<LiveTrafficMonitor> monitor(new LiveTrafficMonitor(model, std::move(sink), recent_capacity));
    monitor->interface_ = options.interface;
    monitor->rules_.emplace(options.rules);
    auto* self = monitor.get();
    auto capture = LiveCapture::open(std::move(options), [self](const FinishedConnection& f) { self->on_connection(f); });
    if (!capture) return capture.error();
    monitor->capture_ = std::move(capture.value());
    monitor->capture_->start();
    return monitor;
}

LiveTrafficMonitor::LiveTrafficMonitor(const TrafficModel* model, ConnectionSink sink, size_t recent_capacity)
    : model_(model), sink_(std::move(sink)), recent_capacity_(recent_capacity) {}

LiveTrafficMonitor::~LiveTrafficMonitor() { stop(); }

void LiveTrafficMonitor::stop() {
    if (capture_) capture_->stop();
}

void LiveTrafficMonitor::on_connection(const FinishedConnection& flow) {
    const Connection& c = flow.connection;
    RecentConnection r;
    r.flow_id = c.id;
    r.first_us = c.first_us;
    r.last_us = c.last_us;
    r.src_ip = c.orig.to_string();
    r.dest_ip = c.resp.to_string();
    r.src_port = c.orig_port;
    r.dest_port = c.resp_port;
    r.proto = protocol_name(c.protocol);
    r.service = flow.service;
    r.state = flow.flag;
    r.pkts_toserver = c.orig_packets;
    r.pkts_toclient = c.resp_packets;
    r.bytes_toserver = c.orig_bytes;
    r.bytes_toclient = c.resp_bytes;
    std::optional<Result<TrafficVerdict>> verdict;
    if (model_ != nullptr) {
        verdict.emplace(model_->score(flow.record));
        if (verdict->ok()) {
            rules_->apply(c, verdict->value());
            r.scored = true;
            r.attack = verdict->value().attack;
            r.family = verdict->value().family;
            r.probability = verdict->value().probability;
        }
    }
    {
        std::lock_guard lock(mutex_);
        if (verdict) {
            if (verdict->ok()) {
                ++scored_;
                if (r.attack) {
                    ++attacks_;
                    ++attacks_by_family_[r.family];
                }
            } else {
                ++score_errors_;
            }
        }
        recent_.push_back(std::move(r));
        while (recent_.size() > recent_capacity_) recent_.pop_front();
    }
    if (sink_) {
        const bool scored = verdict && verdict->ok();
        const std::string* error = verdict && !verdict->ok() ? &verdict->error().message : nullptr;
        sink_(ScoredConnection{flow, scored ? &verdict->value() : nullptr, error});
    }
}

LiveMonitorStats LiveTrafficMonitor::stats() const {
    LiveMonitorStats s;
    if (capture_) s.capture = capture_->stats();
    std::lock_guard lock(mutex_);
    s.scored = scored_;
    s.attacks = attacks_;
    s.score_errors = score_errors_;
    s.attacks_by_family = attacks_by_family_;
    return s;
}

std::vector<RecentConnection> LiveTrafficMonitor::recent() const {
    std::lock_guard lock(mutex_);
    return {recent_.begin(), recent_.end()};
}

}  // namespace vigil::traffic
