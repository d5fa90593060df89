// SPDX-License-Identifier: Apache-2.0
#include "outbox/sqlite/sqlite_store.hpp"

#include "eventbus/outbox/schema.hpp"
#include "outbox/sqlite/statement.hpp"
#include "outbox/sqlite/transaction.hpp"

namespace eventbus::outbox::sqlite {
namespace {

// The earliest pending row of each aggregate, when it is due. SQLite has one writer at a time
// and one relay per file, so reading is claiming: the rows stay pending until settled.
constexpr const char* kClaim = R"sql(
SELECT o.id, o.topic, o.payload, o.headers, o.attempts FROM eventbus_outbox o
WHERE o.state = 'pending' AND o.next_attempt_at <= ?1
  AND NOT EXISTS (SELECT 1 FROM eventbus_outbox p
                  WHERE p.aggregate_id = o.aggregate_id AND p.state = 'pending' AND p.id < o.id)
ORDER BY o.id LIMIT ?2)sql";

}  // namespace

Error SqliteStore::open(const std::string& path, milliseconds busy_timeout,
                        std::unique_ptr<SqliteStore>& out) {
  sqlite3* db = nullptr;
  // NOMUTEX: the connection is the relay thread's alone.
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));  // closes db on every return below
  if (rc != SQLITE_OK) return database_error(db, "opening '" + path + "'");
  sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
  // WAL lets the application commit while the relay reads, and is a property of the file, so
  // the application's connections get it too.
  if (Error error = exec(db, "PRAGMA journal_mode = WAL", "setting WAL on '" + path + "'")) {
    return error;
  }
  // On this connection only: a commit does not wait for the disk (in WAL mode the file stays
  // consistent; a power loss may undo the last marks). A lost mark republishes its row, which
  // at-least-once allows, and the relay's commits cost a write, not an fsync.
  if (Error error =
          exec(db, "PRAGMA synchronous = NORMAL", "setting synchronous on '" + path + "'")) {
    return error;
  }
  if (Error error = migrate(db)) {
    error.detail = "'" + path + "': " + error.detail;
    return error;
  }
  out = std::move(store);
  return {};
}

SqliteStore::~SqliteStore() {
  sqlite3_close_v2(db_);
}

Error SqliteStore::claim(std::int64_t now_ms, std::size_t limit, std::vector<OutboxRow>& rows) {
  rows.clear();
  Statement select(db_, kClaim);
  select.bind(1, now_ms).bind(2, static_cast<std::int64_t>(limit));
  while (select.step()) {
    OutboxRow row;
    row.id = select.column_int(0);
    row.topic = select.column_text(1);
    row.payload = select.column_text(2);
    if (!select.column_is_null(3)) row.headers = select.column_text(3);
    row.attempts = static_cast<std::uint32_t>(select.column_int(4));
    rows.push_back(std::move(row));
  }
  if (select.error()) rows.clear();
  return select.error();
}

Error SqliteStore::settle(const Settlement& settlement) {
  if (settlement.published.empty() && settlement.failures.empty()) return {};
  Transaction transaction(db_);
  if (transaction.error()) return transaction.error();
  Statement published(db_,
                      "UPDATE eventbus_outbox SET state = 'published', published_at = ?1, "
                      "last_error = NULL WHERE id = ?2 AND state = 'pending'");
  for (const std::int64_t id : settlement.published) {
    published.bind(1, settlement.now_ms).bind(2, id).step();
    if (published.error()) return published.error();
    published.reset();
  }
  Statement failed(db_,
                   "UPDATE eventbus_outbox SET attempts = ?1, last_error = ?2, "
                   "next_attempt_at = ?3, state = ?4 WHERE id = ?5 AND state = 'pending'");
  for (const RowFailure& failure : settlement.failures) {
    failed.bind(1, failure.attempts).bind_text(2, failure.error).bind(3, failure.next_attempt_at);
    failed.bind_text(4, failure.dead ? "dead" : "pending").bind(5, failure.id).step();
    if (failed.error()) return failed.error();
    failed.reset();
  }
  return transaction.commit();
}

}  // namespace eventbus::outbox::sqlite
