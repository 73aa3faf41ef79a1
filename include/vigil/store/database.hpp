#pragma once
// The SQLite database of a Vigil server: opening (WAL, busy timeout), versioned schema migrations, and typed
// access to the tables. A Database is one connection: use it from one thread at a time. Readers on other
// threads open their own Database (WAL lets them read while the writer writes).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigil/core/result.hpp"
#include "vigil/store/sqlite.hpp"

namespace vigil::store {

struct OpenOptions {
    int busy_timeout_ms = 5000;  // how long a statement waits for another connection's lock
    bool read_only = false;      // read-only: no directory creation, no migrations (schema must be current)
};

// One scored URL, as stored in table url_checks.
struct UrlCheckRow {
    int64_t ts_ms = 0;  // Unix time, milliseconds
    std::string canonical_url;
    std::string registrable_domain;
    double score = 0.0;
    std::string verdict;   // phishing | suspicious | benign
    std::string severity;  // HIGH | MEDIUM | LOW | INFO
    std::string model_version;
    int64_t latency_us = 0;

    bool operator==(const UrlCheckRow&) const = default;
};

// Aggregates over url_checks rows with ts_ms >= since_ms, for /api/v1/statistics.
struct UrlCheckStats {
    int64_t total = 0;
    std::vector<std::pair<std::string, int64_t>> by_verdict;   // sorted by name
    std::vector<std::pair<std::string, int64_t>> by_severity;  // sorted by name
    std::vector<std::pair<int64_t, int64_t>> by_time;          // (bucket start ts_ms, count), oldest first
    double mean_latency_us = 0.0;
};

class Database {
public:
    // Creates parent directories and the file if needed, switches to WAL, and brings the schema up to
    // latest_schema_version(). Refuses (ErrorCode::kMismatch) a database whose schema is newer than this binary.
    static Result<Database> open(const std::filesystem::path& path, OpenOptions options = {});

    Database(Database&&) noexcept = default;
    Database& operator=(Database&&) noexcept = default;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database() = default;

    // The highest schema version this binary knows how to create.
    static int latest_schema_version();

    Result<int> schema_version();
    Result<std::string> journal_mode();  // "wal" after open()

    // One transaction, one prepared statement reused for every row. An empty span is a no-op.
    Status insert_url_checks(std::span<const UrlCheckRow> rows);
    Result<int64_t> count_url_checks();
    // Newest first (by ts_ms, then insertion order).
    Result<std::vector<UrlCheckRow>> recent_url_checks(std::size_t limit);
    // Counts since since_ms; by_time buckets are bucket_ms wide and aligned to multiples of bucket_ms.
    Result<UrlCheckStats> url_check_stats(int64_t since_ms, int64_t bucket_ms = 3'600'000);

    // Escape hatches for SQL that has no typed method yet.
    Status exec(std::string_view sql);  // may contain several statements
    Result<Statement> prepare(std::string_view sql);

    const std::filesystem::path& path() const { return path_; }
    sqlite3* handle() const { return db_.get(); }

private:
    Database(ConnectionHandle db, std::filesystem::path path) : db_(std::move(db)), path_(std::move(path)) {}
    Status migrate();

    // Declared before the statements so that statements are finalized before the connection closes.
    ConnectionHandle db_;
    std::filesystem::path path_;
    Statement insert_url_check_;  // prepared on first use, then reused
    Statement insert_url_checks_many_;  // the same for a chunk of rows in one statement
};

}  // namespace vigil::store
