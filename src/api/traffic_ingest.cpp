#include "vigil/api/traffic_ingest.hpp"

#include <chrono>

#include "vigil/api/json_writer.hpp"

namespace vigil::api {

int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string alert_summary(Severity severity, std::string_view family, std::string_view source) {
    std::string s(to_string(severity));
    s.append(" ").append(family).append(" traffic from ").append(source);
    return s;
}

namespace {

std::string alert_event_json(const AlertDecision& a, std::string_view source, std::string_view family,
                             int64_t record_id) {
    std::string out;
    out.reserve(256);
    JsonWriter w(out);
    w.begin_object().field("event", "alert_raised").key("alert").begin_object();
    w.field("id", a.alert_id).field("ts_ms", a.first_ts_ms).field("severity", to_string(a.severity));
    w.field("source", source).field("family", family).field("summary", alert_summary(a.severity, family, source));
    w.field("score", a.score).field("count", a.count).field("record_id", record_id);
    w.end_object().end_object();
    return out;
}

}  // namespace

TrafficIngest::TrafficIngest(Push push, AlertPolicy policy, store::TrafficIdSeed seed, TrafficMonitor* monitor,
                             Clock clock)
    : push_(std::move(push)),
      folder_(policy, seed.max_alert_id),
      monitor_(monitor),
      clock_(clock ? std::move(clock) : Clock(unix_now_ms)),
      next_record_id_(seed.max_record_id + 1) {}

IngestOutcome TrafficIngest::ingest(traffic::Record record, const traffic::TrafficVerdict& verdict,
                                    const IngestContext& context) {
    const int64_t now = clock_();
    IngestOutcome out;
    out.severity = severity_from_score(verdict.probability);
    out.record_id = next_record_id_.fetch_add(1, std::memory_order_relaxed);
    // Only attacks are threats: with a low --alert-min-severity a "normal" verdict must not raise an alert.
    if (verdict.attack) {
        out.alert = folder_.observe(context.source, verdict.family, out.severity, verdict.probability, now);
    }
    (verdict.attack ? counters_.attack : counters_.normal).fetch_add(1, std::memory_order_relaxed);
    if (out.alert.kind == AlertDecision::Kind::kRaised) counters_.alerts_raised.fetch_add(1, std::memory_order_relaxed);
    if (out.alert.kind == AlertDecision::Kind::kFolded) counters_.alerts_folded.fetch_add(1, std::memory_order_relaxed);
    latency_.record(context.latency_us);

    if (feed_ != nullptr && out.alert.kind == AlertDecision::Kind::kRaised) {
        feed_->publish(alert_event_json(out.alert, context.source, verdict.family, out.record_id));
    }
    if (monitor_ != nullptr && context.job != nullptr) {
        monitor_->note_verdict(context.job, RecentVerdict{now, std::string(context.source), verdict.attack,
                                                          verdict.family, verdict.probability, out.severity,
                                                          out.record_id});
    }

    TrafficWrite w;
    w.record_id = out.record_id;
    w.ts_ms = now;
    w.source.assign(context.source);
    w.record = std::move(record);
    w.connection = context.connection;
    w.attack = verdict.attack;
    w.family = verdict.family;
    w.probability = verdict.probability;
    w.severity = out.severity;
    w.model_version = verdict.model_version;
    w.latency_us = context.latency_us;
    w.reasons = verdict.reasons;
    w.alert = out.alert;
    out.stored = push_ && push_(std::move(w));
    if (!out.stored) counters_.dropped.fetch_add(1, std::memory_order_relaxed);
    return out;
}

}  // namespace vigil::api
