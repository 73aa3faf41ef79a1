#pragma once
// Typed access to the traffic tables: traffic_records, predictions (kind 'traffic') and threats (alerts).
// Rows carry ids chosen by the caller (allocated in memory at request time, see api::TrafficIngest), so
// that a response can name the stored record and a folded alert can be updated without a read.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/store/database.hpp"

namespace vigil::store {

struct TrafficRecordRow {
    int64_t id = 0;
    int64_t ts_ms = 0;
    std::string source;  // api | pcap:<file> | live:<iface>
    std::optional<std::string> src_addr, dst_addr;
    std::optional<int64_t> src_port, dst_port;
    std::optional<std::string> protocol, service;
    std::optional<double> duration_ms;
    std::optional<int64_t> bytes_in, bytes_out, packets_in, packets_out;
    std::string features_json;  // the record's named fields as one JSON object
};

struct TrafficPredictionRow {
    int64_t ts_ms = 0;
    int64_t traffic_record_id = 0;
    std::string source;
    std::string label;   // normal | attack
    std::string family;  // normal, DoS, Probe, R2L, U2R
    double score = 0;    // P(attack)
    std::string severity;
    std::string model_version;
    int64_t latency_us = 0;
    std::string reasons_json;
};

struct AlertRow {
    int64_t id = 0;
    int64_t ts_ms = 0;       // first occurrence
    int64_t last_ts_ms = 0;  // latest occurrence folded into it
    std::string source;
    std::string family;
    std::string severity;  // highest seen
    double score = 0;      // highest seen
    std::string summary;
    std::optional<int64_t> traffic_record_id;  // the first record that raised it
    int64_t count = 1;
    bool acknowledged = false;
    std::optional<int64_t> acked_ts_ms;
};

// A later identical prediction folded into an existing alert: absolute values, so replays are harmless.
struct AlertFoldRow {
    int64_t id = 0;
    int64_t last_ts_ms = 0;
    int64_t count = 0;
    std::string severity;
    double score = 0;
};

// Everything one writer batch holds; written in one transaction in this order (so a fold never precedes the
// insert of its alert within a batch).
struct TrafficWriteSet {
    std::vector<TrafficRecordRow> records;
    std::vector<TrafficPredictionRow> predictions;
    std::vector<AlertRow> new_alerts;
    std::vector<AlertFoldRow> folds;
    bool empty() const { return records.empty() && predictions.empty() && new_alerts.empty() && folds.empty(); }
};
Status write_traffic(Database& db, const TrafficWriteSet& set);

// GET /api/v1/alerts filters. Newest first (id descending); before_id is the cursor of the next page.
struct AlertQuery {
    std::vector<std::string> severities;  // allowed severities; empty = any
    std::optional<int64_t> since_ms, until_ms;  // on ts_ms (first occurrence), since inclusive, until exclusive
    std::optional<bool> acknowledged;
    std::optional<int64_t> before_id;
    std::size_t limit = 100;
};
Result<std::vector<AlertRow>> query_alerts(Database& db, const AlertQuery& query);

// Marks the alert acknowledged (the first acknowledgement time is kept). kNotFound for an unknown id.
Result<AlertRow> acknowledge_alert(Database& db, int64_t id, int64_t now_ms);

// Counts of traffic predictions with ts_ms >= since_ms.
struct TrafficCounts {
    int64_t total = 0;
    std::vector<std::pair<std::string, int64_t>> by_label;     // sorted by name
    std::vector<std::pair<std::string, int64_t>> by_family;    // sorted by name
    std::vector<std::pair<std::string, int64_t>> by_severity;  // sorted by name
    int64_t alerts = 0;                                        // threats rows first raised since since_ms
};
Result<TrafficCounts> traffic_counts(Database& db, int64_t since_ms);

// MAX(id) of traffic_records and threats (0 when empty), to seed in-memory id allocation.
struct TrafficIdSeed {
    int64_t max_record_id = 0;
    int64_t max_alert_id = 0;
};
Result<TrafficIdSeed> traffic_id_seed(Database& db);

}  // namespace vigil::store
