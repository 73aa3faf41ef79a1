#include "vigil/store/traffic_tables.hpp"

#include <type_traits>

namespace vigil::store {
namespace {

// Rolls back unless committed, so a failed batch leaves nothing half-written.
class WriteTransaction {
public:
    explicit WriteTransaction(Database& db) : db_(db) {}
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    ~WriteTransaction() {
        if (open_) (void)db_.exec("ROLLBACK");
    }
    Status begin() {
        Status s = db_.exec("BEGIN IMMEDIATE");
        open_ = s.ok();
        return s;
    }
    Status commit() {
        Status s = db_.exec("COMMIT");
        if (s.ok()) open_ = false;
        return s;
    }

private:
    Database& db_;
    bool open_ = false;
};

Status bind_opt(Statement& st, int index, const std::optional<std::string>& v) {
    return v ? st.bind_text(index, *v) : st.bind_null(index);
}
Status bind_opt(Statement& st, int index, const std::optional<int64_t>& v) {
    return v ? st.bind_int64(index, *v) : st.bind_null(index);
}
Status bind_opt(Statement& st, int index, const std::optional<double>& v) {
    return v ? st.bind_double(index, *v) : st.bind_null(index);
}

// Binds each argument to the next parameter, stopping at the first error.
class Binder {
public:
    explicit Binder(Statement& st) : st_(st) {}
    template <class T>
    Binder& operator()(const T& v) {
        if (!status_.ok()) return *this;
        ++index_;
        if constexpr (std::is_same_v<T, std::string>) {
            status_ = st_.bind_text(index_, v);
        } else if constexpr (std::is_same_v<T, double>) {
            status_ = st_.bind_double(index_, v);
        } else if constexpr (std::is_integral_v<T>) {
            status_ = st_.bind_int64(index_, static_cast<int64_t>(v));
        } else {
            status_ = bind_opt(st_, index_, v);
        }
        return *this;
    }
    Status status() const { return status_; }

private:
    Statement& st_;
    int index_ = 0;
    Status status_;
};

Status run(Statement& st, const Binder& b) {
    Status s = b.status();
    if (s.ok()) s = st.run();
    st.reset();
    return s;
}

constexpr const char* kAlertColumns =
    "id, ts_ms, COALESCE(last_ts_ms, ts_ms), source, family, severity, COALESCE(score, 0), title, "
    "traffic_record_id, count, acknowledged, acked_ts_ms";

AlertRow read_alert(const Statement& st) {
    AlertRow a;
    a.id = st.column_int64(0);
    a.ts_ms = st.column_int64(1);
    a.last_ts_ms = st.column_int64(2);
    a.source = std::string(st.column_text(3));
    a.family = std::string(st.column_text(4));
    a.severity = std::string(st.column_text(5));
    a.score = st.column_double(6);
    a.summary = std::string(st.column_text(7));
    if (!st.column_is_null(8)) a.traffic_record_id = st.column_int64(8);
    a.count = st.column_int64(9);
    a.acknowledged = st.column_int64(10) != 0;
    if (!st.column_is_null(11)) a.acked_ts_ms = st.column_int64(11);
    return a;
}

Result<std::vector<std::pair<std::string, int64_t>>> grouped(Database& db, const char* sql, int64_t since_ms,
                                                             int64_t& total) {
    auto st = db.prepare(sql);
    if (!st.ok()) return st.error();
    if (Status s = st->bind_int64(1, since_ms); !s.ok()) return s.error();
    std::vector<std::pair<std::string, int64_t>> out;
    total = 0;
    while (true) {
        auto row = st->step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        out.emplace_back(std::string(st->column_text(0)), st->column_int64(1));
        total += out.back().second;
    }
    return out;
}

}  // namespace

Status write_traffic(Database& db, const TrafficWriteSet& set) {
    if (set.empty()) return Status::success();
    WriteTransaction tx(db);
    if (Status s = tx.begin(); !s.ok()) return s;
    if (!set.records.empty()) {
        auto st = db.prepare(
            "INSERT INTO traffic_records(id, ts_ms, source, src_addr, src_port, dst_addr, dst_port, protocol, service,"
            " duration_ms, bytes_in, bytes_out, packets_in, packets_out, features_json)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!st.ok()) return st.error();
        for (const auto& r : set.records) {
            Binder b(*st);
            b(r.id)(r.ts_ms)(r.source)(r.src_addr)(r.src_port)(r.dst_addr)(r.dst_port)(r.protocol)(r.service);
            b(r.duration_ms)(r.bytes_in)(r.bytes_out)(r.packets_in)(r.packets_out)(r.features_json);
            if (Status s = run(*st, b); !s.ok()) return s;
        }
    }
    if (!set.predictions.empty()) {
        auto st = db.prepare(
            "INSERT INTO predictions(ts_ms, kind, subject, traffic_record_id, label, score, severity, model_version,"
            " latency_us, reasons_json, source, family) VALUES (?, 'traffic', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!st.ok()) return st.error();
        for (const auto& p : set.predictions) {
            Binder b(*st);
            b(p.ts_ms)(p.family)(p.traffic_record_id)(p.label)(p.score)(p.severity)(p.model_version)(p.latency_us);
            b(p.reasons_json)(p.source)(p.family);
            if (Status s = run(*st, b); !s.ok()) return s;
        }
    }
    if (!set.new_alerts.empty()) {
        auto st = db.prepare(
            "INSERT INTO threats(id, ts_ms, kind, subject, severity, score, title, acknowledged, source, family,"
            " traffic_record_id, count, last_ts_ms) VALUES (?, ?, 'traffic', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!st.ok()) return st.error();
        for (const auto& a : set.new_alerts) {
            Binder b(*st);
            b(a.id)(a.ts_ms)(a.source + "/" + a.family)(a.severity)(a.score)(a.summary)(a.acknowledged ? 1 : 0);
            b(a.source)(a.family)(a.traffic_record_id)(a.count)(a.last_ts_ms);
            if (Status s = run(*st, b); !s.ok()) return s;
        }
    }
    if (!set.folds.empty()) {
        // Concurrent requests may enqueue folds out of order; a higher count always carries the newer state.
        auto st = db.prepare(
            "UPDATE threats SET last_ts_ms = MAX(COALESCE(last_ts_ms, ts_ms), ?), count = ?, severity = ?, score = ?"
            " WHERE id = ? AND count < ?");
        if (!st.ok()) return st.error();
        for (const auto& f : set.folds) {
            Binder b(*st);
            b(f.last_ts_ms)(f.count)(f.severity)(f.score)(f.id)(f.count);
            if (Status s = run(*st, b); !s.ok()) return s;
        }
    }
    return tx.commit();
}

Result<std::vector<AlertRow>> query_alerts(Database& db, const AlertQuery& q) {
    std::string sql = std::string("SELECT ") + kAlertColumns + " FROM threats WHERE kind = 'traffic'";
    if (!q.severities.empty()) {
        sql += " AND severity IN (";
        for (std::size_t i = 0; i < q.severities.size(); ++i) sql += i == 0 ? "?" : ", ?";
        sql += ")";
    }
    if (q.since_ms) sql += " AND ts_ms >= ?";
    if (q.until_ms) sql += " AND ts_ms < ?";
    if (q.acknowledged) sql += " AND acknowledged = ?";
    if (q.before_id) sql += " AND id < ?";
    sql += " ORDER BY id DESC LIMIT ?";
    auto st = db.prepare(sql);
    if (!st.ok()) return st.error();
    Binder b(*st);
    for (const auto& s : q.severities) b(s);
    if (q.since_ms) b(*q.since_ms);
    if (q.until_ms) b(*q.until_ms);
    if (q.acknowledged) b(*q.acknowledged ? 1 : 0);
    if (q.before_id) b(*q.before_id);
    b(static_cast<int64_t>(q.limit));
    if (Status s = b.status(); !s.ok()) return s.error();
    std::vector<AlertRow> out;
    while (true) {
        auto row = st->step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        out.push_back(read_alert(*st));
    }
    return out;
}

Result<AlertRow> acknowledge_alert(Database& db, int64_t id, int64_t now_ms) {
    {
        auto st = db.prepare(
            "UPDATE threats SET acknowledged = 1, acked_ts_ms = COALESCE(acked_ts_ms, ?) WHERE id = ? AND kind = "
            "'traffic'");
        if (!st.ok()) return st.error();
        Binder b(*st);
        b(now_ms)(id);
        if (Status s = run(*st, b); !s.ok()) return s.error();
    }
    auto st = db.prepare(std::string("SELECT ") + kAlertColumns + " FROM threats WHERE id = ? AND kind = 'traffic'");
    if (!st.ok()) return st.error();
    if (Status s = st->bind_int64(1, id); !s.ok()) return s.error();
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) return make_error(ErrorCode::kNotFound, "no alert with id " + std::to_string(id));
    return read_alert(*st);
}

Result<TrafficCounts> traffic_counts(Database& db, int64_t since_ms) {
    TrafficCounts c;
    int64_t total = 0;
    auto by_label = grouped(db,
                            "SELECT label, COUNT(*) FROM predictions WHERE kind = 'traffic' AND ts_ms >= ?"
                            " GROUP BY label ORDER BY label",
                            since_ms, total);
    if (!by_label.ok()) return by_label.error();
    c.by_label = std::move(*by_label);
    c.total = total;
    auto by_family = grouped(db,
                             "SELECT family, COUNT(*) FROM predictions WHERE kind = 'traffic' AND ts_ms >= ?"
                             " GROUP BY family ORDER BY family",
                             since_ms, total);
    if (!by_family.ok()) return by_family.error();
    c.by_family = std::move(*by_family);
    auto by_severity = grouped(db,
                               "SELECT severity, COUNT(*) FROM predictions WHERE kind = 'traffic' AND ts_ms >= ?"
                               " GROUP BY severity ORDER BY severity",
                               since_ms, total);
    if (!by_severity.ok()) return by_severity.error();
    c.by_severity = std::move(*by_severity);
    auto alerts = grouped(db, "SELECT 'alerts', COUNT(*) FROM threats WHERE kind = 'traffic' AND ts_ms >= ?",
                          since_ms, total);
    if (!alerts.ok()) return alerts.error();
    c.alerts = total;
    return c;
}

Result<TrafficIdSeed> traffic_id_seed(Database& db) {
    auto st = db.prepare("SELECT (SELECT COALESCE(MAX(id), 0) FROM traffic_records),"
                         " (SELECT COALESCE(MAX(id), 0) FROM threats)");
    if (!st.ok()) return st.error();
    auto row = st->step();
    if (!row.ok()) return row.error();
    if (!*row) return make_error(ErrorCode::kInternal, "no row from MAX(id) query");
    return TrafficIdSeed{st->column_int64(0), st->column_int64(1)};
}

}  // namespace vigil::store
