// SPDX-License-Identifier: Apache-2.0
#include "outbox/sqlite/statement.hpp"

#include <string>

namespace eventbus::outbox::sqlite {

Error database_error(sqlite3* db, std::string_view what) {
  const int code = sqlite3_extended_errcode(db);
  std::string message = sqlite3_errmsg(db);
  Error error{make_error_code(errc::database_error),
              std::string(what) + ": " + message + " (" + sqlite3_errstr(code) + ")"};
  // The one mistake worth its own code: the application never ran migrate().
  if (message.find("no such table: eventbus_") != std::string::npos) {
    error.code = make_error_code(errc::not_migrated);
    error.detail += "; call eventbus::outbox::migrate() on the database first";
  }
  return error;
}

Error exec(sqlite3* db, const char* sql, std::string_view what) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return database_error(db, what);
  }
  return {};
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), what_(sql.substr(0, 40)) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    error_ = database_error(db, "preparing '" + what_ + "...'");
  }
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (stmt_ != nullptr) sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_text(int index, std::string_view value) {
  if (stmt_ != nullptr) {
    sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view value) {
  if (stmt_ != nullptr)
    sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (stmt_ != nullptr) sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  if (stmt_ == nullptr || error_) return false;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) error_ = database_error(db_, "running '" + what_ + "...'");
  return false;
}

void Statement::reset() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::column_int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::column_text(int column) const {
  // A blob column is read as bytes: sqlite3_column_blob then its size, as SQLite asks.
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  return data == nullptr ? std::string() : std::string(static_cast<const char*>(data), size);
}

bool Statement::column_is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace eventbus::outbox::sqlite
