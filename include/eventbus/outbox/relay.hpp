// SPDX-License-Identifier: Apache-2.0
/// @file
/// What every outbox relay does, whichever its database (SqliteRelay, PostgresRelay): one
/// thread that publishes committed rows through a Bus.
///
/// Each round claims up to batch_size pending rows that are due, oldest first, holding back a
/// row while an earlier row of its aggregate is still pending (so one aggregate's events reach
/// the broker one after another, each only once the one before was acked or went dead);
/// publishes each as the envelope it stores (Bus::publish_envelope); waits for the completions;
/// and marks the rows in one transaction: published, retried later with exponential backoff,
/// or dead after max_attempts with the last error. A row whose bytes do not decode goes dead at
/// once with the decode error. A database error ends the round (last_error(), the log) and the
/// next round tries again.
#pragma once

#include <memory>

#include "eventbus/outbox/error.hpp"
#include "eventbus/outbox/relay_options.hpp"

namespace eventbus::outbox {

/// A running relay. Every public member is thread-safe.
class Relay {
 public:
  /// close(5 s) unless closed before.
  virtual ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  /// Starts the next round now instead of after the poll interval: call it after committing
  /// rows for a lower latency.
  void notify();

  /// Stops claiming, waits up to `timeout` for the completions of the round under way and
  /// marks what was acked, then joins the thread and closes the connection. A database call
  /// under way gives up by the deadline too. Rows whose acks did not come in time stay pending
  /// and are published again by the next relay (at-least-once). Returns close_incomplete
  /// (eventbus::errc) naming how many were left; later calls return the first call's result at
  /// once. From the relay's own thread (its log handler) it returns close_from_handler instead
  /// of waiting for itself.
  Error close(milliseconds timeout);

  /// A snapshot of the counters.
  RelayStats stats() const;
  /// The last error of a round (a database error, a row gone dead); empty when none yet.
  Error last_error() const;

  /// The relay's state, inside the library.
  class Impl;

 protected:
  /// Takes over a started relay (the derived classes' constructors make one).
  explicit Relay(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace eventbus::outbox
