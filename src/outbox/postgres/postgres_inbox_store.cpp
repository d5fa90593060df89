// SPDX-License-Identifier: Apache-2.0
#include "outbox/postgres/postgres_inbox_store.hpp"

#include "outbox/postgres/migration.hpp"

namespace eventbus::outbox::postgres {
namespace {

Param number(std::int64_t value) {
  return Param{std::to_string(value)};
}

}  // namespace

PostgresInboxSession::PostgresInboxSession(const std::string& conninfo, const InboxOptions& options)
    : connection_(conninfo, options.database_timeout, options.busy_timeout,
                  [] { return Clock::time_point::max(); }) {}

Error PostgresInboxSession::begin(bool durable) {
  // Not durable: the commit does not wait for the WAL flush (synchronous_commit off for this
  // transaction only); a claim or failure mark lost in a crash is only claimed afresh.
  Error error = connection_.exec("inbox: starting a transaction",
                                 durable ? "BEGIN" : "BEGIN; SET LOCAL synchronous_commit = off");
  in_transaction_ = !error;
  return error;
}

Error PostgresInboxSession::commit() {
  in_transaction_ = false;
  return connection_.exec("inbox: committing", "COMMIT");
}

void PostgresInboxSession::rollback() {
  if (in_transaction_ && connection_.connected()) {
    if (connection_.exec("inbox: rolling back", "ROLLBACK")) connection_.drop();
  }
  in_transaction_ = false;
}

Error PostgresInboxSession::read(const InboxKey& key, std::optional<InboxRow>& row) {
  row.reset();
  Result result;
  // FOR UPDATE: another claim of the same event waits for this transaction.
  if (Error error = connection_.exec(
          "inbox: reading the claim",
          "SELECT state, token, lease_until, attempts, last_error FROM eventbus_inbox "
          "WHERE consumer_group = $1 AND event_id = $2 FOR UPDATE",
          {Param{key.group}, Param{key.event_id}}, result)) {
    return error;
  }
  if (result.rows() == 1) {
    row = InboxRow{result.text(0, 0), result.integer(0, 1), result.integer(0, 2),
                   static_cast<std::uint32_t>(result.integer(0, 3)),
                   result.is_null(0, 4) ? std::string() : result.text(0, 4)};
  }
  return {};
}

Error PostgresInboxSession::insert(const InboxKey& key, std::int64_t lease_until,
                                   std::int64_t now) {
  Result result;
  // A concurrent first claim of the same event waits on the key, then inserts nothing: this
  // one is refused as busy, to be retried after the bus's backoff.
  if (Error error = connection_.exec(
          "inbox: claiming",
          "INSERT INTO eventbus_inbox (consumer_group, event_id, topic, state, token, "
          "lease_until, attempts, received_at) VALUES ($1, $2, $3, 'processing', 1, $4, 1, $5) "
          "ON CONFLICT (consumer_group, event_id) DO NOTHING",
          {Param{key.group}, Param{key.event_id}, Param{key.topic}, number(lease_until),
           number(now)},
          result)) {
    return error;
  }
  if (result.affected() == 1) return {};
  return {make_error_code(errc::database_error),
          "inbox: event " + key.event_id + " was claimed by another consumer at the same time"};
}

Error PostgresInboxSession::claim(const InboxKey& key, std::int64_t old_token,
                                  std::int64_t lease_until, std::uint32_t attempts) {
  Result result;
  return connection_.exec(
      "inbox: claiming",
      "UPDATE eventbus_inbox SET state = 'processing', token = $1, lease_until = $2, "
      "attempts = $3 WHERE consumer_group = $4 AND event_id = $5 AND token = $6",
      {number(old_token + 1), number(lease_until), number(attempts), Param{key.group},
       Param{key.event_id}, number(old_token)},
      result);
}

Error PostgresInboxSession::settle(const InboxKey& key, std::int64_t token, const char* state,
                                   const std::string& error, std::int64_t now, bool& changed) {
  changed = false;
  Result result;
  Param last_error = text_param(error);
  last_error.null = error.empty();
  if (Error failed =
          connection_.exec("inbox: settling",
                           "UPDATE eventbus_inbox SET state = $1, last_error = $2, done_at = $3 "
                           "WHERE consumer_group = $4 AND event_id = $5 AND token = $6",
                           {Param{state}, last_error, number(now), Param{key.group},
                            Param{key.event_id}, number(token)},
                           result)) {
    return failed;
  }
  changed = result.affected() == 1;
  return {};
}

Error PostgresInboxStore::open(const std::string& conninfo, const InboxOptions& options,
                               std::unique_ptr<PostgresInboxStore>& out) {
  std::unique_ptr<PostgresInboxStore> store(new PostgresInboxStore(conninfo, options));
  auto first = std::make_unique<PostgresInboxSession>(conninfo, options);
  if (Error error = migrate(first->connection())) return error;
  store->pool_.keep(std::move(first));
  out = std::move(store);
  return {};
}

Error PostgresInboxStore::acquire(std::shared_ptr<InboxSession>& session) {
  Error error = pool_.acquire(
      [this](std::unique_ptr<PostgresInboxSession>& made) {
        made = std::make_unique<PostgresInboxSession>(conninfo_, options_);
        return Error{};
      },
      session);
  // A pooled connection may have been dropped by an earlier call: connect it again now.
  if (!error) error = static_cast<PostgresInboxSession&>(*session).connection().connect();
  if (error) session.reset();
  return error;
}

}  // namespace eventbus::outbox::postgres
