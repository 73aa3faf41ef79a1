#include "vigil/intel/feed_store.hpp"

#include <unordered_map>

namespace vigil::intel {
namespace {

Status exec_all(store::Database& db, std::string_view sql) { return db.exec(sql); }

}  // namespace

Result<std::vector<FeedEntry>> store_source(store::Database& db, const std::string& name, const std::string& format,
                                            const std::string& location, std::vector<FeedEntry> entries,
                                            const RefreshStatus& status) {
    if (Status s = exec_all(db, "BEGIN IMMEDIATE"); !s) return s.error();
    auto fail = [&](const Error& e) -> Result<std::vector<FeedEntry>> {
        (void)db.exec("ROLLBACK");
        return e;
    };
    // Stored first_seen of the entries we keep.
    std::unordered_map<std::string, int64_t> first_seen;
    {
        auto q = db.prepare("SELECT hash, first_seen_ms FROM intel_entries WHERE source = ?");
        if (!q) return fail(q.error());
        if (Status s = q->bind_text(1, name); !s) return fail(s.error());
        while (true) {
            auto row = q->step();
            if (!row) return fail(row.error());
            if (!*row) break;
            first_seen.emplace(std::string(q->column_text(0)), q->column_int64(1));
        }
    }
    if (Status s = [&]() -> Status {
            auto del = db.prepare("DELETE FROM intel_entries WHERE source = ?");
            if (!del) return del.error();
            if (Status b = del->bind_text(1, name); !b) return b;
            return del->run();
        }();
        !s) {
        return fail(s.error());
    }
    auto ins = db.prepare(
        "INSERT INTO intel_entries(source, hash, expression, threat, first_seen_ms, last_seen_ms) "
        "VALUES (?, ?, ?, ?, ?, ?)");
    if (!ins) return fail(ins.error());
    for (FeedEntry& e : entries) {
        const std::string hex = url::to_hex(e.hash.data(), e.hash.size());
        if (auto it = first_seen.find(hex); it != first_seen.end() && it->second < e.first_seen_ms) {
            e.first_seen_ms = it->second;
        }
        Status s = ins->bind_text(1, name);
        if (s) s = ins->bind_text(2, hex);
        if (s) s = ins->bind_text(3, e.expression);
        if (s) s = ins->bind_text(4, to_string(e.threat));
        if (s) s = ins->bind_int64(5, e.first_seen_ms);
        if (s) s = ins->bind_int64(6, e.last_seen_ms);
        if (s) s = ins->run();
        ins->reset();
        if (!s) return fail(s.error());
    }
    auto src = db.prepare(
        "INSERT INTO intel_sources(name, format, location, entries, last_refresh_ms, last_status, last_error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET format = excluded.format, "
        "location = excluded.location, entries = excluded.entries, last_refresh_ms = excluded.last_refresh_ms, "
        "last_status = excluded.last_status, last_error = excluded.last_error");
    if (!src) return fail(src.error());
    Status s = src->bind_text(1, name);
    if (s) s = src->bind_text(2, format);
    if (s) s = src->bind_text(3, location);
    if (s) s = src->bind_int64(4, static_cast<int64_t>(entries.size()));
    if (s) s = src->bind_int64(5, status.time_ms);
    if (s) s = src->bind_text(6, status.ok ? "ok" : "error");
    if (s) s = src->bind_text(7, status.error);
    if (s) s = src->run();
    if (!s) return fail(s.error());
    if (Status c = exec_all(db, "COMMIT"); !c) return fail(c.error());
    return entries;
}

Result<std::vector<StoredSource>> load_stored_sources(store::Database& db) {
    std::vector<StoredSource> out;
    auto q = db.prepare(
        "SELECT e.source, COALESCE(s.format, ''), COALESCE(s.location, ''), e.hash, e.expression, e.threat, "
        "e.first_seen_ms, e.last_seen_ms, COALESCE(s.last_refresh_ms, 0), COALESCE(s.last_status, ''), "
        "COALESCE(s.last_error, '') FROM intel_entries e LEFT JOIN intel_sources s ON s.name = e.source "
        "ORDER BY e.source");
    if (!q) return q.error();
    while (true) {
        auto row = q->step();
        if (!row) return row.error();
        if (!*row) break;
        const std::string_view source = q->column_text(0);
        if (out.empty() || out.back().name != source) {
            out.push_back(StoredSource{std::string(source), std::string(q->column_text(1)),
                                       std::string(q->column_text(2)), {}, {}});
            RefreshStatus& st = out.back().last_refresh;
            st.time_ms = q->column_int64(8);
            st.ok = q->column_text(9) != "error";
            st.error = std::string(q->column_text(10));
        }
        FeedEntry e;
        const std::string_view hex = q->column_text(3);
        if (hex.size() != 64) return make_error(ErrorCode::kFormat, "intel_entries: bad hash '" + std::string(hex) + "'");
        for (size_t i = 0; i < 32; ++i) {
            auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
            e.hash[i] = static_cast<uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
        }
        e.expression = std::string(q->column_text(4));
        e.threat = q->column_text(5) == "malware" ? ThreatType::kMalware : ThreatType::kPhishing;
        e.first_seen_ms = q->column_int64(6);
        e.last_seen_ms = q->column_int64(7);
        out.back().entries.push_back(std::move(e));
    }
    return out;
}

}  // namespace vigil::intel
