#include "vigil/store/sqlite.hpp"

#include <sqlite3.h>

namespace vigil::store {

void ConnectionCloser::operator()(sqlite3* db) const noexcept {
    // close_v2 defers the close until outstanding statements are finalized instead of failing.
    sqlite3_close_v2(db);
}

void Statement::Finalizer::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

Error sqlite_error(sqlite3* db, int rc, std::string_view context) {
    std::string message = "sqlite: ";
    message += context;
    message += ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    message += " (code ";
    message += std::to_string(rc);
    message += ")";
    return make_error(ErrorCode::kIo, std::move(message));
}

Status Statement::bind_result(int rc, int index) const {
    if (rc == SQLITE_OK) return Status::success();
    return sqlite_error(db_, rc, "bind parameter " + std::to_string(index));
}

Status Statement::bind_int64(int index, int64_t value) {
    return bind_result(sqlite3_bind_int64(stmt_.get(), index, static_cast<sqlite3_int64>(value)), index);
}

Status Statement::bind_double(int index, double value) {
    return bind_result(sqlite3_bind_double(stmt_.get(), index, value), index);
}

Status Statement::bind_text(int index, std::string_view value) {
    return bind_result(
        sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
}

Status Statement::bind_text_static(int index, std::string_view value) {
    return bind_result(
        sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8), index);
}

void Statement::clear_bindings() { sqlite3_clear_bindings(stmt_.get()); }

Status Statement::bind_null(int index) { return bind_result(sqlite3_bind_null(stmt_.get(), index), index); }

Result<bool> Statement::step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite_error(db_, rc, "step");
}

Status Statement::run() {
    auto r = step();
    if (!r.ok()) return r.error();
    if (*r) return make_error(ErrorCode::kInternal, "sqlite: statement returned rows where none were expected");
    return Status::success();
}

void Statement::reset() noexcept {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

double Statement::column_double(int column) const { return sqlite3_column_double(stmt_.get(), column); }

std::string_view Statement::column_text(int column) const {
    const auto* text = sqlite3_column_text(stmt_.get(), column);
    if (text == nullptr) return {};
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column))};
}

bool Statement::column_is_null(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

}  // namespace vigil::store
