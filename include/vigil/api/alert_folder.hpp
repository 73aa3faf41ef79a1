#pragma once
// Decides, in memory, whether a scored record raises a new alert or folds into an open one: alerts with the
// same source and family within fold_window_ms of the alert's first occurrence become one alert with a
// count. Alert ids are allocated here (seeded from the database's MAX(id)), so no request reads SQLite.
// Thread-safe; only records at or above min_severity take the lock.
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "vigil/api/url_verdict.hpp"

namespace vigil::api {

struct AlertPolicy {
    Severity min_severity = Severity::kMedium;
    int64_t fold_window_ms = 60'000;  // 0 = never fold
};

struct AlertDecision {
    enum class Kind : uint8_t { kNone, kRaised, kFolded };
    Kind kind = Kind::kNone;
    int64_t alert_id = 0;
    int64_t count = 0;                    // occurrences folded into the alert so far, this one included
    int64_t first_ts_ms = 0;
    Severity severity = Severity::kInfo;  // highest seen in the alert
    double score = 0;                     // highest seen in the alert
};

class AlertFolder {
public:
    AlertFolder(AlertPolicy policy, int64_t last_alert_id);

    AlertDecision observe(std::string_view source, std::string_view family, Severity severity, double score,
                          int64_t now_ms);
    // An acknowledged alert stops absorbing new occurrences: the next one raises a fresh alert.
    void close(int64_t alert_id);

    const AlertPolicy& policy() const { return policy_; }
    std::size_t open_alerts() const;

private:
    struct Open {
        int64_t id = 0;
        int64_t first_ts_ms = 0;
        int64_t count = 0;
        Severity severity = Severity::kInfo;
        double score = 0;
    };
    void prune(int64_t now_ms);  // under mutex_

    AlertPolicy policy_;
    mutable std::mutex mutex_;
    int64_t next_id_;
    int64_t next_prune_ms_ = 0;
    std::unordered_map<std::string, Open> open_;  // key: len(source) ':' source family
};

}  // namespace vigil::api
