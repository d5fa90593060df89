// SPDX-License-Identifier: Apache-2.0
#include "outbox/postgres/postgres_store.hpp"

#include "outbox/postgres/migration.hpp"

namespace eventbus::outbox::postgres {
namespace {

// As on SQLite: the earliest pending row of each aggregate, when it is due; here also locked
// for this relay's transaction, skipping rows another relay holds. The NOT EXISTS sees rows
// locked by another relay as pending, so their aggregates' later rows wait.
constexpr const char* kClaim = R"sql(
SELECT o.id, o.topic, o.payload, o.headers, o.attempts FROM eventbus_outbox o
WHERE o.state = 'pending' AND o.next_attempt_at <= $1
  AND NOT EXISTS (SELECT 1 FROM eventbus_outbox p
                  WHERE p.aggregate_id = o.aggregate_id AND p.state = 'pending' AND p.id < o.id)
ORDER BY o.id LIMIT $2
FOR UPDATE OF o SKIP LOCKED)sql";

constexpr const char* kPublished =
    "UPDATE eventbus_outbox SET state = 'published', published_at = $1, last_error = NULL "
    "WHERE id = ANY($2::bigint[]) AND state = 'pending'";

constexpr const char* kFailed =
    "UPDATE eventbus_outbox SET attempts = $1, last_error = $2, next_attempt_at = $3, "
    "state = $4 WHERE id = $5 AND state = 'pending'";

Param number(std::int64_t value) {
  return Param{std::to_string(value)};
}

}  // namespace

PostgresStore::PostgresStore(const std::string& conninfo, const RelayOptions& options)
    : connection_(conninfo, options.database_timeout, options.busy_timeout,
                  [this] { return give_up_at(); }) {}

Error PostgresStore::open(const std::string& conninfo, const RelayOptions& options,
                          std::unique_ptr<PostgresStore>& out) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(conninfo, options));
  if (Error error = migrate(store->connection_)) return error;
  out = std::move(store);
  return {};
}

void PostgresStore::roll_back() {
  if (in_transaction_ && connection_.connected()) {
    if (connection_.exec("rolling back", "ROLLBACK")) connection_.drop();
  }
  in_transaction_ = false;
}

Error PostgresStore::claim(std::int64_t now_ms, std::size_t limit, std::vector<OutboxRow>& rows) {
  rows.clear();
  roll_back();  // a round that ended without settling (it should not) leaves nothing open
  // enable_sort off for this transaction: the claim must walk the pending-id index and stop at
  // its limit. A table whose statistics lag behind (new, or just filled in a burst, before
  // autovacuum analyzed it) otherwise gets a plan that reads every pending row and sorts them:
  // measured 8.5 ms instead of 1.1 ms a claim with 5,000 pending rows.
  if (Error error =
          connection_.exec("claiming outbox rows", "BEGIN; SET LOCAL enable_sort = off")) {
    return error;
  }
  in_transaction_ = true;
  Result result;
  if (Error error =
          connection_.exec("claiming outbox rows", kClaim,
                           {number(now_ms), number(static_cast<std::int64_t>(limit))}, result)) {
    roll_back();
    return error;
  }
  for (int i = 0; i < result.rows(); ++i) {
    OutboxRow row;
    row.id = result.integer(i, 0);
    row.topic = result.text(i, 1);
    row.payload = result.text(i, 2);
    if (!result.is_null(i, 3)) row.headers = result.text(i, 3);
    row.attempts = static_cast<std::uint32_t>(result.integer(i, 4));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) roll_back();  // nothing locked: nothing to keep open
  return {};
}

Error PostgresStore::settle(const Settlement& settlement) {
  if (!in_transaction_) {
    return {make_error_code(errc::database_error),
            "marking outbox rows: no claim under way (the connection was lost)"};
  }
  Result ignored;
  if (!settlement.published.empty()) {
    std::string ids = "{";
    for (const std::int64_t id : settlement.published) {
      if (ids.size() > 1) ids += ',';
      ids += std::to_string(id);
    }
    ids += '}';
    if (Error error = connection_.exec("marking outbox rows published", kPublished,
                                       {number(settlement.now_ms), Param{ids}}, ignored)) {
      roll_back();
      return error;
    }
  }
  for (const RowFailure& failure : settlement.failures) {
    if (Error error = connection_.exec(
            "marking a failed outbox row", kFailed,
            {number(failure.attempts), text_param(failure.error), number(failure.next_attempt_at),
             Param{failure.dead ? "dead" : "pending"}, number(failure.id)},
            ignored)) {
      roll_back();
      return error;
    }
  }
  Error committed = connection_.exec("committing the outbox marks", "COMMIT");
  in_transaction_ = false;
  return committed;
}

}  // namespace eventbus::outbox::postgres
