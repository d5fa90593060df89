// SPDX-License-Identifier: Apache-2.0
/// @file
/// The inbox: an idempotent consumer on SQLite. Each (consumer group, event id) is claimed
/// with a fencing token before the handler runs; the handler writes through the connection it
/// is given, inside a transaction that also marks the event done, so its writes and the mark
/// commit together. A redelivery of a done event (at-least-once, a crash after the commit and
/// before the ack, the Go SDK's publisher sending twice) is acked without calling the handler:
/// the side effect in the database happens once. See docs/outbox.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "eventbus/bus.hpp"
#include "eventbus/outbox/error.hpp"
#include "eventbus/outbox/relay_options.hpp"

struct sqlite3;  // <sqlite3.h>

namespace eventbus::outbox {

/// How an inbox claims and settles. validate() names the option out of range.
struct InboxOptions {
  /// The consumer group the rows belong to (not empty): the bus's group, usually. Two groups
  /// handle the same event independently.
  std::string group;
  /// How long a claim holds an event against another consumer's delivery of it (> 0). A claim
  /// older than this (its consumer crashed or hangs) is taken over with a new token.
  milliseconds lease{30000};
  /// Handler failures of one event, over all its deliveries, before it is dead (> 0): a dead
  /// event's deliveries fail at once with its last error, so the bus dead-letters them without
  /// calling the handler.
  std::uint32_t max_attempts = 10;
  /// How long a connection waits for a lock (SQLite's write lock; PostgreSQL's lock_timeout;
  /// >= 0).
  milliseconds busy_timeout{5000};
  /// PostgreSQL: how long one of the inbox's own database calls may take before the delivery
  /// fails and the connection is dropped (> 0). It is the session's statement_timeout too, so
  /// the handler's own statements on that connection get it as well.
  milliseconds database_timeout{10000};
  /// Where the inbox's log lines go (component "inbox"): stale settles (warning), events gone
  /// dead (error). Empty: nothing is logged.
  LogHandler log;
};

/// What an inbox has done since it was made.
struct InboxStats {
  std::uint64_t handled = 0;     ///< handler succeeded, marked done with its writes
  std::uint64_t duplicates = 0;  ///< deliveries of a done event, acked without the handler
  std::uint64_t failed = 0;      ///< handler failures (its writes rolled back)
  std::uint64_t dead = 0;        ///< events that reached max_attempts
  std::uint64_t busy = 0;        ///< deliveries refused while another consumer's lease held
  std::uint64_t reclaimed = 0;   ///< claims taken over after their lease ran out
  std::uint64_t stale = 0;       ///< settles refused: the claim had been taken over meanwhile
};

/// The handler of an idempotent consumer: `db` is in a transaction the inbox opened; write
/// through it and return. Do not commit or roll back: ok() commits the writes with the done
/// mark, anything else (or a throw) rolls them back.
using SqliteInboxHandler =
    std::function<HandlerResult(const Envelope& envelope, const Message& message, sqlite3* db)>;

/// An inbox in the SQLite file at a path, shared by the handlers it wraps. Thread-safe: each
/// handler call takes a connection of its own (SQLite lets one write at a time, so the wrapped
/// handlers of one file run one after another).
class SqliteInbox {
 public:
  /// Opens the file (WAL mode) and migrates it. Errors (std::system_error naming the option or
  /// the file): invalid_option, database_error, schema_too_new.
  SqliteInbox(const std::string& path, InboxOptions options);
  ~SqliteInbox();
  SqliteInbox(const SqliteInbox&) = delete;
  SqliteInbox& operator=(const SqliteInbox&) = delete;

  /// The handler to give Bus::subscribe_envelope. Per delivery: claims the event (a done one
  /// is acked at once; one another consumer holds is failed, to be retried after the bus's
  /// backoff), runs `handler` in a transaction, and marks the event done in it (ok) or failed
  /// (anything else: the handler's result is returned, so the bus retries and dead-letters as
  /// usual). A settle whose token was taken over rolls the handler's writes back, is counted
  /// and logged, and acks (the new claimant handles the event). A database error fails the
  /// delivery with its words. The handler shares the inbox's connections: it may outlive this
  /// object.
  EnvelopeHandler wrap(SqliteInboxHandler handler);

  /// A snapshot of the counters.
  InboxStats stats() const;

  /// The inbox's state, inside the library; shared with the handlers wrap() made.
  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

/// Checks the options; the detail names the bad one.
Error validate(const InboxOptions& options);

}  // namespace eventbus::outbox
