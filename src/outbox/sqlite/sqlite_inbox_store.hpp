// SPDX-License-Identifier: Apache-2.0
// The inbox's store on SQLite: a pool of connections to the file, one per delivery under way
// (opened as needed, kept for the next), each in WAL mode with the busy timeout.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "eventbus/outbox/relay_options.hpp"
#include "outbox/inbox/inbox_store.hpp"
#include "outbox/inbox/session_pool.hpp"

namespace eventbus::outbox::sqlite {

class SqliteInboxSession final : public InboxSession {
 public:
  explicit SqliteInboxSession(sqlite3* db) : db_(db) {}
  ~SqliteInboxSession() override;
  SqliteInboxSession(const SqliteInboxSession&) = delete;
  SqliteInboxSession& operator=(const SqliteInboxSession&) = delete;

  sqlite3* db() const { return db_; }
  Error begin(bool durable) override;
  Error commit() override;
  void rollback() override;
  Error read(const InboxKey& key, std::optional<InboxRow>& row) override;
  Error insert(const InboxKey& key, std::int64_t lease_until, std::int64_t now) override;
  Error claim(const InboxKey& key, std::int64_t old_token, std::int64_t lease_until,
              std::uint32_t attempts) override;
  Error settle(const InboxKey& key, std::int64_t token, const char* state, const std::string& error,
               std::int64_t now, bool& changed) override;

 private:
  sqlite3* db_;
  int synchronous_ = -1;  // the connection's PRAGMA synchronous, once set: 1 NORMAL, 2 FULL
};

class SqliteInboxStore final : public InboxStore {
 public:
  // Opens a first connection and migrates. Errors: database_error naming the file,
  // schema_too_new.
  static Error open(const std::string& path, milliseconds busy_timeout,
                    std::unique_ptr<SqliteInboxStore>& out);
  Error acquire(std::shared_ptr<InboxSession>& session) override;
  bool claims_lock_out_others() const override { return true; }

 private:
  SqliteInboxStore(std::string path, milliseconds busy_timeout)
      : path_(std::move(path)), busy_timeout_(busy_timeout) {}
  Error connect(std::unique_ptr<SqliteInboxSession>& out) const;

  const std::string path_;
  const milliseconds busy_timeout_;
  SessionPool<SqliteInboxSession> pool_;
};

}  // namespace eventbus::outbox::sqlite
