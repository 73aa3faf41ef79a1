#include "migrations.hpp"

#include <array>

namespace vigil::store {
namespace {

// Version 1: every table named in DESIGN.md. Times are Unix milliseconds (ts_ms); JSON blobs are TEXT.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE url_checks (
    id                 INTEGER PRIMARY KEY,
    ts_ms              INTEGER NOT NULL,
    canonical_url      TEXT    NOT NULL,
    registrable_domain TEXT    NOT NULL DEFAULT '',
    score              REAL    NOT NULL,
    verdict            TEXT    NOT NULL,
    severity           TEXT    NOT NULL,
    model_version      TEXT    NOT NULL DEFAULT '',
    latency_us         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_url_checks_ts ON url_checks(ts_ms);
CREATE INDEX idx_url_checks_domain_ts ON url_checks(registrable_domain, ts_ms);
CREATE INDEX idx_url_checks_verdict_ts ON url_checks(verdict, ts_ms);

CREATE TABLE traffic_records (
    id           INTEGER PRIMARY KEY,
    ts_ms        INTEGER NOT NULL,
    source       TEXT    NOT NULL DEFAULT '',   -- api | pcap | live:<iface> | file
    src_addr     TEXT,
    src_port     INTEGER,
    dst_addr     TEXT,
    dst_port     INTEGER,
    protocol     TEXT,
    service      TEXT,
    duration_ms  REAL,
    bytes_in     INTEGER,
    bytes_out    INTEGER,
    packets_in   INTEGER,
    packets_out  INTEGER,
    features_json TEXT
);
CREATE INDEX idx_traffic_records_ts ON traffic_records(ts_ms);

CREATE TABLE predictions (
    id                INTEGER PRIMARY KEY,
    ts_ms             INTEGER NOT NULL,
    kind              TEXT    NOT NULL,         -- url | traffic
    subject           TEXT    NOT NULL DEFAULT '',
    traffic_record_id INTEGER REFERENCES traffic_records(id) ON DELETE SET NULL,
    label             TEXT    NOT NULL,
    score             REAL    NOT NULL,
    severity          TEXT    NOT NULL DEFAULT '',
    model_version     TEXT    NOT NULL DEFAULT '',
    latency_us        INTEGER NOT NULL DEFAULT 0,
    reasons_json      TEXT
);
CREATE INDEX idx_predictions_ts ON predictions(ts_ms);
CREATE INDEX idx_predictions_kind_ts ON predictions(kind, ts_ms);

CREATE TABLE threats (
    id            INTEGER PRIMARY KEY,
    ts_ms         INTEGER NOT NULL,
    kind          TEXT    NOT NULL,             -- url | traffic
    subject       TEXT    NOT NULL,
    severity      TEXT    NOT NULL,
    score         REAL,
    title         TEXT    NOT NULL DEFAULT '',
    detail_json   TEXT,
    acknowledged  INTEGER NOT NULL DEFAULT 0,
    acked_ts_ms   INTEGER,
    acked_by      TEXT
);
CREATE INDEX idx_threats_ts ON threats(ts_ms);
CREATE INDEX idx_threats_severity_ts ON threats(severity, ts_ms);

CREATE TABLE model_versions (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    version         TEXT    NOT NULL,
    kind            TEXT    NOT NULL DEFAULT '', -- url | traffic
    path            TEXT    NOT NULL DEFAULT '',
    feature_version TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'candidate', -- candidate | active | retired
    created_ts_ms   INTEGER NOT NULL,
    promoted_ts_ms  INTEGER,
    UNIQUE (name, version)
);
CREATE INDEX idx_model_versions_created ON model_versions(created_ts_ms);

CREATE TABLE model_metrics (
    id               INTEGER PRIMARY KEY,
    model_version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
    ts_ms            INTEGER NOT NULL,
    dataset          TEXT    NOT NULL DEFAULT '',
    metric           TEXT    NOT NULL,
    value            REAL    NOT NULL
);
CREATE INDEX idx_model_metrics_model ON model_metrics(model_version_id, metric);
CREATE INDEX idx_model_metrics_ts ON model_metrics(ts_ms);

CREATE TABLE api_keys (
    id                 INTEGER PRIMARY KEY,
    key_hash           TEXT    NOT NULL UNIQUE,  -- never the key itself
    name               TEXT    NOT NULL DEFAULT '',
    scopes             TEXT    NOT NULL DEFAULT '',
    rate_limit_per_min INTEGER,
    created_ts_ms      INTEGER NOT NULL,
    last_used_ts_ms    INTEGER,
    revoked            INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_api_keys_created ON api_keys(created_ts_ms);

CREATE TABLE feedback (
    id             INTEGER PRIMARY KEY,
    ts_ms          INTEGER NOT NULL,
    canonical_url  TEXT    NOT NULL,
    reported_label TEXT    NOT NULL,             -- phishing | benign
    source         TEXT    NOT NULL DEFAULT '',
    comment        TEXT,
    url_check_id   INTEGER REFERENCES url_checks(id) ON DELETE SET NULL
);
CREATE INDEX idx_feedback_ts ON feedback(ts_ms);
CREATE INDEX idx_feedback_url ON feedback(canonical_url);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    ts_ms       INTEGER NOT NULL,
    actor       TEXT    NOT NULL DEFAULT '',
    action      TEXT    NOT NULL,
    target      TEXT    NOT NULL DEFAULT '',
    detail_json TEXT
);
CREATE INDEX idx_audit_log_ts ON audit_log(ts_ms);
)sql";

// Version 2: traffic alerts are folded in memory (same source and family within a window), so a threat row
// carries how many predictions it stands for; predictions and threats name the traffic source and family.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE threats ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE threats ADD COLUMN family TEXT NOT NULL DEFAULT '';
ALTER TABLE threats ADD COLUMN traffic_record_id INTEGER REFERENCES traffic_records(id) ON DELETE SET NULL;
ALTER TABLE threats ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
ALTER TABLE threats ADD COLUMN last_ts_ms INTEGER;
CREATE INDEX idx_threats_ack_id ON threats(acknowledged, id);
ALTER TABLE predictions ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE predictions ADD COLUMN family TEXT NOT NULL DEFAULT '';
)sql";

// Version 3 (intel): threat-feed entries as Safe Browsing full hashes (hex) of the listed expressions, and the
// feeds they came from. Entries a feed drops are deleted on refresh; first_seen_ms survives refreshes.
constexpr const char* kSchemaV3Intel = R"sql(
CREATE TABLE intel_sources (
    name            TEXT PRIMARY KEY,
    format          TEXT    NOT NULL DEFAULT '',
    location        TEXT    NOT NULL DEFAULT '',
    entries         INTEGER NOT NULL DEFAULT 0,
    last_refresh_ms INTEGER,
    last_status     TEXT    NOT NULL DEFAULT '',
    last_error      TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE intel_entries (
    source        TEXT    NOT NULL,
    hash          TEXT    NOT NULL,           -- SHA-256 of the expression, lower-case hex
    expression    TEXT    NOT NULL,           -- e.g. evil.example/login/
    threat        TEXT    NOT NULL DEFAULT 'phishing',
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms  INTEGER NOT NULL,
    PRIMARY KEY (source, hash)
) WITHOUT ROWID;
)sql";

// Version 4: url_checks loses its (registrable_domain, ts_ms) index. Domains arrive in random order, so every
// stored check dirtied a random index page and a writer batch of 512 rows wrote ~2 MB of WAL: 18 µs of CPU per
// row against 3.6 µs without it (bench/cache_store_benchmark, BM_SqliteInsertBatch). A query for one domain now
// narrows by time first (idx_url_checks_ts).
constexpr const char* kSchemaV4 = R"sql(
DROP INDEX IF EXISTS idx_url_checks_domain_ts;
)sql";

// Version 5: url_checks' two time indexes become one covering index. The (verdict, ts_ms) index cost a third of
// the writer's work per stored check (15.8k -> 10.3k instructions per row without it; callgrind on
// BM_SqliteInsertBatch/512); (ts_ms, verdict, severity, latency_us) costs 11.0k and answers every statistics
// query (counts by verdict and severity, mean latency, time buckets since a time) from the index alone.
constexpr const char* kSchemaV5 = R"sql(
DROP INDEX IF EXISTS idx_url_checks_verdict_ts;
DROP INDEX IF EXISTS idx_url_checks_ts;
CREATE INDEX IF NOT EXISTS idx_url_checks_ts_stats ON url_checks(ts_ms, verdict, severity, latency_us);
)sql";

constexpr std::array kMigrations = {
    Migration{1, "initial schema", kSchemaV1},
    Migration{2, "traffic alert folding: threats.count/source/family, predictions.source/family", kSchemaV2},
    Migration{3, "threat-intel feeds", kSchemaV3Intel},
    Migration{4, "url_checks: drop the per-domain index (random writes on every stored check)", kSchemaV4},
    Migration{5, "url_checks: one covering time index for the statistics instead of two", kSchemaV5},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace vigil::store
