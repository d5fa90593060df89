// SPDX-License-Identifier: Apache-2.0
// What the outbox tests share: an application's own SQLite connection to a file in a temp dir,
// and small queries of the outbox table to check what the relay did.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "eventbus/outbox/outbox.hpp"
#include "support/temp_dir.hpp"

namespace eventbus::testing {

// The application's connection, as a service would open it.
class AppDatabase {
 public:
  explicit AppDatabase(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(db_));
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~AppDatabase() { sqlite3_close(db_); }
  AppDatabase(const AppDatabase&) = delete;
  AppDatabase& operator=(const AppDatabase&) = delete;

  sqlite3* get() const { return db_; }
  // Runs SQL; fails the test with SQLite's message when it fails.
  void exec(const std::string& sql) const {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (message != nullptr ? message : "?");
    }
    sqlite3_free(message);
  }
  // The first column of the first row as an integer (0 when no row), or as text.
  std::int64_t integer(const std::string& sql) const {
    std::int64_t value = 0;
    query(sql, [&](sqlite3_stmt* s) { value = sqlite3_column_int64(s, 0); });
    return value;
  }
  std::string text(const std::string& sql) const {
    std::string value;
    query(sql, [&](sqlite3_stmt* s) {
      if (const unsigned char* t = sqlite3_column_text(s, 0))
        value = reinterpret_cast<const char*>(t);
    });
    return value;
  }
  std::int64_t count_in_state(const std::string& state) const {
    return integer("SELECT count(*) FROM eventbus_outbox WHERE state = '" + state + "'");
  }

 private:
  template <typename F>
  void query(const std::string& sql, F&& read) const {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return;
    }
    if (sqlite3_step(stmt) == SQLITE_ROW) read(stmt);
    sqlite3_finalize(stmt);
  }
  sqlite3* db_ = nullptr;
};

}  // namespace eventbus::testing
