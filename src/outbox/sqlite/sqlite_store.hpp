// SPDX-License-Identifier: Apache-2.0
// The relay's Store on SQLite: its own connection to the application's file, in WAL mode so
// that the application's writers and the relay's reads do not block each other.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "eventbus/outbox/relay_options.hpp"
#include "outbox/store.hpp"

namespace eventbus::outbox::sqlite {

class SqliteStore final : public Store {
 public:
  // Opens `path`, sets WAL and the busy timeout, and migrates. Errors: database_error naming
  // the file, schema_too_new.
  static Error open(const std::string& path, milliseconds busy_timeout,
                    std::unique_ptr<SqliteStore>& out);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Error claim(std::int64_t now_ms, std::size_t limit, std::vector<OutboxRow>& rows) override;
  Error settle(const Settlement& settlement) override;

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace eventbus::outbox::sqlite
