#include "vigil/api/alert_folder.hpp"

#include <algorithm>

namespace vigil::api {

AlertFolder::AlertFolder(AlertPolicy policy, int64_t last_alert_id) : policy_(policy), next_id_(last_alert_id + 1) {}

AlertDecision AlertFolder::observe(std::string_view source, std::string_view family, Severity severity, double score,
                                   int64_t now_ms) {
    if (severity < policy_.min_severity) return {};
    // Length-prefixed, so that no (source, family) pair can spell another's key.
    std::string key = std::to_string(source.size());
    key.reserve(key.size() + source.size() + family.size() + 1);
    key.append(":").append(source).append(family);

    std::lock_guard lock(mutex_);
    if (now_ms >= next_prune_ms_) prune(now_ms);
    auto [it, inserted] = open_.try_emplace(std::move(key));
    Open& open = it->second;
    const bool fold = !inserted && policy_.fold_window_ms > 0 && now_ms - open.first_ts_ms < policy_.fold_window_ms &&
                      now_ms >= open.first_ts_ms;
    if (fold) {
        ++open.count;
        open.severity = std::max(open.severity, severity);
        open.score = std::max(open.score, score);
        return {AlertDecision::Kind::kFolded, open.id, open.count, open.first_ts_ms, open.severity, open.score};
    }
    open = Open{next_id_++, now_ms, 1, severity, score};
    return {AlertDecision::Kind::kRaised, open.id, 1, now_ms, severity, score};
}

void AlertFolder::close(int64_t alert_id) {
    std::lock_guard lock(mutex_);
    std::erase_if(open_, [alert_id](const auto& kv) { return kv.second.id == alert_id; });
}

std::size_t AlertFolder::open_alerts() const {
    std::lock_guard lock(mutex_);
    return open_.size();
}

void AlertFolder::prune(int64_t now_ms) {
    // Closed windows only cost memory; sweep them at most once per window.
    std::erase_if(open_, [&](const auto& kv) { return now_ms - kv.second.first_ts_ms >= policy_.fold_window_ms; });
    next_prune_ms_ = now_ms + std::max<int64_t>(policy_.fold_window_ms, 1000);
}

}  // namespace vigil::api
