// SPDX-License-Identifier: Apache-2.0
/// @file
/// The transactional outbox on PostgreSQL (target eventbus::outbox, when it was built with
/// libpq: eventbus_OUTBOX_POSTGRES): migrate() and add() on the application's own connection,
/// in its transaction, and the PostgresRelay. Several relays, in one process or many, may
/// share a table. See docs/outbox.md.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "eventbus/bus.hpp"
#include "eventbus/envelope.hpp"
#include "eventbus/message.hpp"
#include "eventbus/outbox/error.hpp"
#include "eventbus/outbox/inbox.hpp"
#include "eventbus/outbox/relay.hpp"
#include "eventbus/outbox/relay_options.hpp"

/// libpq's connection type (<libpq-fe.h>), declared as libpq does so that this header needs
/// none of libpq's.
struct pg_conn;
/// libpq's name for it: the application's connection.
typedef struct pg_conn PGconn;  // NOLINT(modernize-use-using): libpq's own declaration

namespace eventbus::outbox {

/// Creates the outbox tables (eventbus_outbox, eventbus_outbox_schema; as on SQLite, in
/// PostgreSQL's types, in the schema search_path names first) or upgrades them to
/// kSchemaVersion, inside the connection's transaction when one is open (else in one of its
/// own). Concurrent migrations wait for each other. Errors: invalid_option (conn is null, not
/// connected, or its transaction failed), schema_too_new, database_error (PostgreSQL's
/// message).
Error migrate(PGconn* conn);

/// The outbox schema version of the database: 0 when it has none yet. Errors as migrate().
Error schema_version(PGconn* conn, int& version);

/// As add(sqlite3*, ...): validates and encodes `envelope` and inserts a pending row for
/// `topic` on `conn`, in whatever transaction it has open. Never throws for bad input. Errors:
/// invalid_option (conn unusable), invalid_topic, the envelope's invalid_* field,
/// not_migrated, database_error (a second row with the same event_id is one).
Error add(PGconn* conn, std::string_view topic, const Envelope& envelope);

/// As above, with headers the relay sends with the event (empty names are invalid_option).
Error add(PGconn* conn, std::string_view topic, const Envelope& envelope, const Headers& headers);

/// A relay over a PostgreSQL database. Each round's claim locks its rows (FOR UPDATE SKIP
/// LOCKED) until their marks commit: another relay skips them, and an aggregate's later rows
/// wait for its earlier ones wherever they are held. Every database call gives up after
/// options.database_timeout (and by close()'s deadline), dropping the connection; the next
/// round connects again.
class PostgresRelay : public Relay {
 public:
  /// Connects with `conninfo` (a libpq connection string or URI; it never appears in an error
  /// or a log line), migrates the schema and starts its thread. `bus` must outlive the relay's
  /// close(). Errors (std::system_error, the message naming the option or what failed):
  /// invalid_option, database_error, schema_too_new.
  PostgresRelay(const std::string& conninfo, Bus& bus, RelayOptions options = {});
};

/// The handler of an idempotent consumer on PostgreSQL: `conn` is in a transaction the inbox
/// opened; write through it (PQexec and the like) and return. Do not commit or roll back.
using PostgresInboxHandler =
    std::function<HandlerResult(const Envelope& envelope, const Message& message, PGconn* conn)>;

/// The inbox (inbox.hpp) on PostgreSQL, with connections of its own (one per delivery under
/// way, each call bounded by options.database_timeout). A claim commits before the handler
/// runs, so handlers of one event in different consumers are kept apart by the lease, and of
/// different events run in parallel; a handler that outlives its lease can lose its claim to
/// another delivery, and its settle is then refused (stale) with its writes rolled back.
class PostgresInbox {
 public:
  /// Connects with `conninfo` (never in an error or log line) and migrates. Errors
  /// (std::system_error): invalid_option, database_error, schema_too_new.
  PostgresInbox(const std::string& conninfo, InboxOptions options);
  ~PostgresInbox();
  PostgresInbox(const PostgresInbox&) = delete;
  PostgresInbox& operator=(const PostgresInbox&) = delete;

  /// The handler to give Bus::subscribe_envelope (as SqliteInbox::wrap).
  EnvelopeHandler wrap(PostgresInboxHandler handler);
  /// A snapshot of the counters.
  InboxStats stats() const;

  /// The inbox's state, inside the library; shared with the handlers wrap() made.
  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace eventbus::outbox
