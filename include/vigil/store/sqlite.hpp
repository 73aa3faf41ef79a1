#pragma once
// RAII handles over the SQLite C API: a connection (sqlite3*) and a prepared statement (sqlite3_stmt*).
// sqlite3.h stays out of this header; the C types are only forward-declared.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "vigil/core/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace vigil::store {

struct ConnectionCloser {
    void operator()(sqlite3* db) const noexcept;
};
using ConnectionHandle = std::unique_ptr<sqlite3, ConnectionCloser>;

// A prepared statement. Bind indices are 1-based, column indices 0-based (as in SQLite).
class Statement {
public:
    Statement() = default;
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

    bool valid() const { return stmt_ != nullptr; }

    Status bind_int64(int index, int64_t value);
    Status bind_double(int index, double value);
    Status bind_text(int index, std::string_view value);  // copied by SQLite (SQLITE_TRANSIENT)
    // Binds without copying: `value` must stay alive and unchanged until the statement is rebound,
    // cleared (clear_bindings) or destroyed. For batch inserts whose rows outlive the batch.
    Status bind_text_static(int index, std::string_view value);
    void clear_bindings();
    Status bind_null(int index);

    // Advances: true when a row is available, false when the statement is done.
    Result<bool> step();
    // Runs a statement that returns no rows (INSERT/UPDATE/DDL); an extra row is an error.
    Status run();
    // Makes the statement reusable and clears its bindings.
    void reset() noexcept;

    int64_t column_int64(int column) const;
    double column_double(int column) const;
    std::string_view column_text(int column) const;  // valid until the next step/reset
    bool column_is_null(int column) const;

    sqlite3_stmt* get() const { return stmt_.get(); }

private:
    struct Finalizer {
        void operator()(sqlite3_stmt* stmt) const noexcept;
    };
    Status bind_result(int rc, int index) const;

    sqlite3* db_ = nullptr;  // not owned; for error messages
    std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

// Builds an Error from the connection's last error message, e.g. "insert url_checks: database is locked".
Error sqlite_error(sqlite3* db, int rc, std::string_view context);

}  // namespace vigil::store
