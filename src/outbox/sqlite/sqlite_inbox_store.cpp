// SPDX-License-Identifier: Apache-2.0
#include "outbox/sqlite/sqlite_inbox_store.hpp"

#include "eventbus/outbox/schema.hpp"
#include "outbox/sqlite/statement.hpp"

namespace eventbus::outbox::sqlite {

SqliteInboxSession::~SqliteInboxSession() {
  sqlite3_close_v2(db_);
}

Error SqliteInboxSession::begin(bool durable) {
  // FULL (WAL synced at commit) for the handler's writes, which are the application's; NORMAL
  // for the inbox's own bookkeeping. Set between transactions: SQLite ignores it inside one.
  const int wanted = durable ? 2 : 1;
  if (synchronous_ != wanted) {
    if (Error error =
            exec(db_, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
                 "inbox: setting synchronous")) {
      return error;
    }
    synchronous_ = wanted;
  }
  // IMMEDIATE: the write lock up front, so the claim's read and write (and the handler's
  // writes) never fail to upgrade a read lock later.
  return exec(db_, "BEGIN IMMEDIATE", "inbox: starting a transaction");
}

Error SqliteInboxSession::commit() {
  return exec(db_, "COMMIT", "inbox: committing");
}

void SqliteInboxSession::rollback() {
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Error SqliteInboxSession::read(const InboxKey& key, std::optional<InboxRow>& row) {
  row.reset();
  Statement select(db_,
                   "SELECT state, token, lease_until, attempts, last_error FROM eventbus_inbox "
                   "WHERE consumer_group = ?1 AND event_id = ?2");
  select.bind_text(1, key.group).bind_text(2, key.event_id);
  if (select.step()) {
    row = InboxRow{select.column_text(0), select.column_int(1), select.column_int(2),
                   static_cast<std::uint32_t>(select.column_int(3)),
                   select.column_is_null(4) ? std::string() : select.column_text(4)};
  }
  return select.error();
}

Error SqliteInboxSession::insert(const InboxKey& key, std::int64_t lease_until, std::int64_t now) {
  Statement insert(db_,
                   "INSERT INTO eventbus_inbox (consumer_group, event_id, topic, state, token, "
                   "lease_until, attempts, received_at) VALUES (?1, ?2, ?3, 'processing', 1, ?4, "
                   "1, ?5)");
  insert.bind_text(1, key.group).bind_text(2, key.event_id).bind_text(3, key.topic);
  insert.bind(4, lease_until).bind(5, now).step();
  return insert.error();
}

Error SqliteInboxSession::claim(const InboxKey& key, std::int64_t old_token,
                                std::int64_t lease_until, std::uint32_t attempts) {
  Statement update(db_,
                   "UPDATE eventbus_inbox SET state = 'processing', token = ?1, lease_until = ?2, "
                   "attempts = ?3 WHERE consumer_group = ?4 AND event_id = ?5 AND token = ?6");
  update.bind(1, old_token + 1).bind(2, lease_until).bind(3, attempts);
  update.bind_text(4, key.group).bind_text(5, key.event_id).bind(6, old_token).step();
  return update.error();
}

Error SqliteInboxSession::settle(const InboxKey& key, std::int64_t token, const char* state,
                                 const std::string& error, std::int64_t now, bool& changed) {
  Statement update(db_,
                   "UPDATE eventbus_inbox SET state = ?1, last_error = ?2, done_at = ?3 "
                   "WHERE consumer_group = ?4 AND event_id = ?5 AND token = ?6");
  update.bind_text(1, state);
  if (error.empty()) {
    update.bind_null(2);
  } else {
    update.bind_text(2, error);
  }
  update.bind(3, now).bind_text(4, key.group).bind_text(5, key.event_id).bind(6, token).step();
  changed = !update.error() && sqlite3_changes(db_) == 1;
  return update.error();
}

Error SqliteInboxStore::connect(std::unique_ptr<SqliteInboxSession>& out) const {
  sqlite3* db = nullptr;
  // NOMUTEX: a session is used by one delivery at a time.
  const int rc =
      sqlite3_open_v2(path_.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto session = std::make_unique<SqliteInboxSession>(db);  // closes db on every return below
  if (rc != SQLITE_OK) return database_error(db, "inbox: opening '" + path_ + "'");
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout_.count()));
  if (Error error =
          exec(db, "PRAGMA journal_mode = WAL", "inbox: setting WAL on '" + path_ + "'")) {
    return error;
  }
  out = std::move(session);
  return {};
}

Error SqliteInboxStore::open(const std::string& path, milliseconds busy_timeout,
                             std::unique_ptr<SqliteInboxStore>& out) {
  std::unique_ptr<SqliteInboxStore> store(new SqliteInboxStore(path, busy_timeout));
  std::unique_ptr<SqliteInboxSession> first;
  if (Error error = store->connect(first)) return error;
  if (Error error = migrate(first->db())) {
    error.detail = "'" + path + "': " + error.detail;
    return error;
  }
  store->pool_.keep(std::move(first));
  out = std::move(store);
  return {};
}

Error SqliteInboxStore::acquire(std::shared_ptr<InboxSession>& session) {
  return pool_.acquire([this](std::unique_ptr<SqliteInboxSession>& made) { return connect(made); },
                       session);
}

}  // namespace eventbus::outbox::sqlite
