// SPDX-License-Identifier: Apache-2.0
// One prepared SQLite statement, finalized on destruction, and the errors SQLite reports turned
// into outbox::Error with SQLite's own words.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "eventbus/outbox/error.hpp"

namespace eventbus::outbox::sqlite {

// database_error (or not_migrated when the outbox table is missing) with "<what>: <SQLite's
// message> (<result code name>)".
Error database_error(sqlite3* db, std::string_view what);

// Runs SQL without results (several statements allowed).
Error exec(sqlite3* db, const char* sql, std::string_view what);

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // The preparation's outcome; a statement that failed to prepare does nothing else.
  const Error& error() const { return error_; }

  // Binds 1-based parameters; text and blobs are copied (SQLITE_TRANSIENT).
  Statement& bind(int index, std::int64_t value);
  Statement& bind_text(int index, std::string_view value);
  Statement& bind_blob(int index, std::string_view value);
  Statement& bind_null(int index);

  // SQLITE_ROW (true), SQLITE_DONE (false), or an error (false, error() set).
  bool step();
  // Ready for the next run with new bindings.
  void reset();

  std::int64_t column_int(int column) const;
  std::string column_text(int column) const;
  bool column_is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string what_;
  Error error_;
};

}  // namespace eventbus::outbox::sqlite
