#include "vigil/store/database.hpp"

#include <sqlite3.h>

#include <chrono>
#include <system_error>

#include "migrations.hpp"

namespace vigil::store {
namespace {

int64_t unix_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Status exec_sql(sqlite3* db, std::string_view sql, std::string_view context) {
    const std::string text(sql);  // sqlite3_exec wants a NUL-terminated string
    char* err = nullptr;
    const int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return Status::success();
    std::string message = "sqlite: ";
    message += context;
    message += ": ";
    message += err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return make_error(ErrorCode::kIo, std::move(message));
}

Result<Statement> prepare_sql(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return sqlite_error(db, rc, "prepare \"" + std::string(sql.substr(0, 60)) + "\"");
    }
    if (stmt == nullptr) return make_error(ErrorCode::kInvalidArgument, "sqlite: prepare: empty SQL");
    return Statement(db, stmt);
}

// Rolls back unless commit() succeeded, so every early return leaves the database unchanged.
class Transaction {
public:
    explicit Transaction(sqlite3* db) : db_(db) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction() {
        if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    // IMMEDIATE takes the write lock up front: two processes migrating at once serialize instead of
    // failing half-way with SQLITE_BUSY on lock upgrade.
    Status begin() {
        Status s = exec_sql(db_, "BEGIN IMMEDIATE", "begin transaction");
        open_ = s.ok();
        return s;
    }
    Status commit() {
        Status s = exec_sql(db_, "COMMIT", "commit");
        if (s.ok()) open_ = false;
        return s;
    }

private:
    sqlite3* db_;
    bool open_ = false;
};

Result<int> query_schema_version(sqlite3* db) {
    auto exists = prepare_sql(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!exists.ok()) return exists.error();
    auto has = exists->step();
    if (!has.ok()) return has.error();
    if (!*has) return 0;
    auto stmt = prepare_sql(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!stmt.ok()) return stmt.error();
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    return static_cast<int>(stmt->column_int64(0));
}

Error newer_schema_error(const std::filesystem::path& path, int found) {
    return make_error(ErrorCode::kMismatch, "database " + path.string() + " has schema version " +
                                                std::to_string(found) + ", newer than the " +
                                                std::to_string(Database::latest_schema_version()) +
                                                " this vigil binary knows; upgrade vigil or use another database");
}

}  // namespace

int Database::latest_schema_version() { return migrations().back().version; }

Result<Database> Database::open(const std::filesystem::path& path, OpenOptions options) {
    const bool in_memory = path.empty() || path == ":memory:";
    if (!in_memory && !options.read_only && path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            return make_error(ErrorCode::kIo,
                              "cannot create directory " + path.parent_path().string() + ": " + ec.message());
        }
    }
    // A Database is used by one thread at a time (it is move-only and not shared), so the
    // connection needs none of SQLite's own locking (~10 mutex pairs per inserted row).
    const int flags =
        (options.read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX;
    sqlite3* raw = nullptr;
    const std::string name = in_memory ? std::string(":memory:") : path.string();
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    ConnectionHandle handle(raw);  // owns the handle even when open failed
    if (rc != SQLITE_OK) return sqlite_error(raw, rc, "open " + name);
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, options.busy_timeout_ms);

    Database db(std::move(handle), path);
    if (!options.read_only) {
        // WAL: readers never block the writer and the writer never blocks readers. NORMAL sync is durable
        // across application crashes (a power loss may drop the last transactions, which is acceptable for
        // a verdict log).
        if (Status s = db.exec("PRAGMA journal_mode=WAL"); !s.ok()) return s.error();
        if (!in_memory) {
            auto mode = db.journal_mode();
            if (!mode.ok()) return mode.error();
            if (*mode != "wal") return make_error(ErrorCode::kIo, "sqlite: could not enable WAL mode (got " + *mode + ")");
        }
        if (Status s = db.exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"); !s.ok()) return s.error();
        if (Status s = db.migrate(); !s.ok()) return s.error();
    } else {
        auto version = db.schema_version();
        if (!version.ok()) return version.error();
        if (*version > latest_schema_version()) return newer_schema_error(path, *version);
        if (*version < latest_schema_version()) {
            return make_error(ErrorCode::kMismatch, "database " + path.string() + " has schema version " +
                                                        std::to_string(*version) +
                                                        "; open it read-write once to migrate it");
        }
    }
    return db;
}

Status Database::migrate() {
    sqlite3* db = db_.get();
    Transaction tx(db);
    if (Status s = tx.begin(); !s.ok()) return s;
    if (Status s = exec_sql(db,
                            "CREATE TABLE IF NOT EXISTS schema_migrations ("
                            " version INTEGER PRIMARY KEY,"
                            " applied_at INTEGER NOT NULL,"
                            " description TEXT NOT NULL DEFAULT '')",
                            "create schema_migrations");
        !s.ok()) {
        return s;
    }
    auto current = query_schema_version(db);
    if (!current.ok()) return current.error();
    if (*current > latest_schema_version()) return newer_schema_error(path_, *current);
    if (*current == latest_schema_version()) return Status::success();  // nothing to do; rollback is harmless

    auto record = prepare_sql(db, "INSERT INTO schema_migrations(version, applied_at, description) VALUES (?, ?, ?)");
    if (!record.ok()) return record.error();
    for (const Migration& m : migrations()) {
        if (m.version <= *current) continue;
        if (Status s = exec_sql(db, m.sql, "migration " + std::to_string(m.version)); !s.ok()) return s;
        record->reset();
        if (Status s = record->bind_int64(1, m.version); !s.ok()) return s;
        if (Status s = record->bind_int64(2, unix_now_ms()); !s.ok()) return s;
        if (Status s = record->bind_text(3, m.description); !s.ok()) return s;
        if (Status s = record->run(); !s.ok()) return s;
    }
    return tx.commit();
}

Result<int> Database::schema_version() { return query_schema_version(db_.get()); }

Result<std::string> Database::journal_mode() {
    auto stmt = prepare("PRAGMA journal_mode");
    if (!stmt.ok()) return stmt.error();
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    if (!*row) return make_error(ErrorCode::kInternal, "sqlite: PRAGMA journal_mode returned no row");
    return std::string(stmt->column_text(0));
}

Status Database::exec(std::string_view sql) { return exec_sql(db_.get(), sql, "exec"); }

Result<Statement> Database::prepare(std::string_view sql) { return prepare_sql(db_.get(), sql); }

namespace {

// Rows per multi-row INSERT: SQLite runs a statement's prologue and epilogue (transaction check, table
// open, halt) once per step, so a step per 32 rows costs ~7,500 rather than ~11,000 instructions per row
// (callgrind).
constexpr size_t kUrlCheckRowsPerInsert = 32;
constexpr int kUrlCheckColumns = 8;

std::string url_check_insert_sql(size_t rows) {
    std::string sql =
        "INSERT INTO url_checks(ts_ms, canonical_url, registrable_domain, score, verdict, severity,"
        " model_version, latency_us) VALUES ";
    for (size_t i = 0; i < rows; ++i) sql += i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)";
    return sql;
}

// Binds `row` to the parameters of the `index`-th row of a (multi-row) url_checks INSERT. The strings are
// bound without a copy: the caller clears the bindings before the rows go away.
Status bind_url_check(Statement& st, size_t index, const UrlCheckRow& row) {
    const int base = static_cast<int>(index) * kUrlCheckColumns;
    Status s = st.bind_int64(base + 1, row.ts_ms);
    if (s.ok()) s = st.bind_text_static(base + 2, row.canonical_url);
    if (s.ok()) s = st.bind_text_static(base + 3, row.registrable_domain);
    if (s.ok()) s = st.bind_double(base + 4, row.score);
    if (s.ok()) s = st.bind_text_static(base + 5, row.verdict);
    if (s.ok()) s = st.bind_text_static(base + 6, row.severity);
    if (s.ok()) s = st.bind_text_static(base + 7, row.model_version);
    if (s.ok()) s = st.bind_int64(base + 8, row.latency_us);
    return s;
}

}  // namespace

Status Database::insert_url_checks(std::span<const UrlCheckRow> rows) {
    if (rows.empty()) return Status::success();
    for (auto [stmt, n] :
         {std::pair{&insert_url_check_, size_t{1}}, std::pair{&insert_url_checks_many_, kUrlCheckRowsPerInsert}}) {
        if (stmt->valid()) continue;
        auto prepared = prepare(url_check_insert_sql(n));
        if (!prepared.ok()) return prepared.error();
        *stmt = std::move(*prepared);
    }
    Transaction tx(db_.get());
    if (Status s = tx.begin(); !s.ok()) return s;
    // The cached statements never keep pointers to rows that are gone, whatever the outcome.
    struct ClearBindings {
        Statement& one;
        Statement& many;
        ~ClearBindings() {
            one.clear_bindings();
            many.clear_bindings();
        }
    } clear_on_exit{insert_url_check_, insert_url_checks_many_};
    // Full chunks go through the multi-row statement, the rest one row at a time; rows keep their order.
    size_t done = 0;
    while (done < rows.size()) {
        const bool chunk = rows.size() - done >= kUrlCheckRowsPerInsert;
        Statement& st = chunk ? insert_url_checks_many_ : insert_url_check_;
        const size_t n = chunk ? kUrlCheckRowsPerInsert : 1;
        Status s = Status::success();  // both statements are left reset after every step
        for (size_t i = 0; i < n && s.ok(); ++i) s = bind_url_check(st, i, rows[done + i]);
        if (s.ok()) s = st.run();
        st.reset();  // release the statement's read of the table before the next one or COMMIT
        if (!s.ok()) return s;
        done += n;
    }
    return tx.commit();
}

Result<int64_t> Database::count_url_checks() {
    auto stmt = prepare("SELECT COUNT(*) FROM url_checks");
    if (!stmt.ok()) return stmt.error();
    auto row = stmt->step();
    if (!row.ok()) return row.error();
    return stmt->column_int64(0);
}

Result<std::vector<UrlCheckRow>> Database::recent_url_checks(std::size_t limit) {
    auto stmt = prepare(
        "SELECT ts_ms, canonical_url, registrable_domain, score, verdict, severity, model_version, latency_us"
        " FROM url_checks ORDER BY ts_ms DESC, id DESC LIMIT ?");
    if (!stmt.ok()) return stmt.error();
    if (Status s = stmt->bind_int64(1, static_cast<int64_t>(limit)); !s.ok()) return s.error();
    std::vector<UrlCheckRow> rows;
    while (true) {
        auto has = stmt->step();
        if (!has.ok()) return has.error();
        if (!*has) break;
        UrlCheckRow r;
        r.ts_ms = stmt->column_int64(0);
        r.canonical_url = stmt->column_text(1);
        r.registrable_domain = stmt->column_text(2);
        r.score = stmt->column_double(3);
        r.verdict = stmt->column_text(4);
        r.severity = stmt->column_text(5);
        r.model_version = stmt->column_text(6);
        r.latency_us = stmt->column_int64(7);
        rows.push_back(std::move(r));
    }
    return rows;
}

Result<UrlCheckStats> Database::url_check_stats(int64_t since_ms, int64_t bucket_ms) {
    if (bucket_ms <= 0) return make_error(ErrorCode::kInvalidArgument, "url_check_stats: bucket_ms must be positive");
    UrlCheckStats stats;
    {
        auto stmt = prepare("SELECT COUNT(*), COALESCE(AVG(latency_us), 0) FROM url_checks WHERE ts_ms >= ?");
        if (!stmt.ok()) return stmt.error();
        if (Status s = stmt->bind_int64(1, since_ms); !s.ok()) return s.error();
        auto row = stmt->step();
        if (!row.ok()) return row.error();
        stats.total = stmt->column_int64(0);
        stats.mean_latency_us = stmt->column_double(1);
    }
    // Column names cannot be bound, so the two group-by queries are spelled out.
    auto group = [&](const char* sql, std::vector<std::pair<std::string, int64_t>>& out) -> Status {
        auto stmt = prepare(sql);
        if (!stmt.ok()) return stmt.error();
        if (Status s = stmt->bind_int64(1, since_ms); !s.ok()) return s;
        while (true) {
            auto row = stmt->step();
            if (!row.ok()) return row.error();
            if (!*row) return Status::success();
            out.emplace_back(std::string(stmt->column_text(0)), stmt->column_int64(1));
        }
    };
    if (Status s = group("SELECT verdict, COUNT(*) FROM url_checks WHERE ts_ms >= ? GROUP BY verdict ORDER BY verdict",
                         stats.by_verdict);
        !s.ok()) {
        return s.error();
    }
    if (Status s = group(
            "SELECT severity, COUNT(*) FROM url_checks WHERE ts_ms >= ? GROUP BY severity ORDER BY severity",
            stats.by_severity);
        !s.ok()) {
        return s.error();
    }
    auto stmt = prepare(
        "SELECT (ts_ms / ?2) * ?2 AS bucket, COUNT(*) FROM url_checks WHERE ts_ms >= ?1 GROUP BY bucket ORDER BY bucket");
    if (!stmt.ok()) return stmt.error();
    if (Status s = stmt->bind_int64(1, since_ms); !s.ok()) return s.error();
    if (Status s = stmt->bind_int64(2, bucket_ms); !s.ok()) return s.error();
    while (true) {
        auto row = stmt->step();
        if (!row.ok()) return row.error();
        if (!*row) break;
        stats.by_time.emplace_back(stmt->column_int64(0), stmt->column_int64(1));
    }
    return stats;
}

}  // namespace vigil::store
