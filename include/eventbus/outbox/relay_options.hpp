// SPDX-License-Identifier: Apache-2.0
/// @file
/// How a relay claims, publishes and retries outbox rows, and what it counts.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "eventbus/log.hpp"

namespace eventbus::outbox {

/// Milliseconds, as everywhere in eventbus.
using milliseconds = std::chrono::milliseconds;

/// The relay's settings. validate() says which one is out of range.
struct RelayOptions {
  /// Rows claimed per round at most (> 0). A round publishes them and waits for their acks.
  std::size_t batch_size = 256;
  /// How long the relay waits after a round that found less than a full batch, unless
  /// Relay::notify() wakes it earlier (> 0).
  milliseconds poll_interval{100};
  /// Publish attempts of a row before it goes to the dead state (> 0).
  std::uint32_t max_attempts = 10;
  /// Wait before the second attempt; doubled each attempt after that, up to max_backoff (> 0).
  milliseconds initial_backoff{100};
  /// The longest wait between two attempts (>= initial_backoff).
  milliseconds max_backoff{60000};
  /// How long the relay's connection waits for a lock the application holds (SQLite's busy
  /// timeout, PostgreSQL's lock_timeout; >= 0).
  milliseconds busy_timeout{5000};
  /// PostgreSQL: how long one database call of the relay (connecting, claiming, marking) may
  /// take before the round fails and the connection is dropped, whatever the server does (down,
  /// frozen); the server's statement_timeout too (> 0).
  milliseconds database_timeout{10000};
  /// Where the relay's log lines go (component "outbox"): failed rounds (warning), rows moved
  /// to the dead state (error). Empty: nothing is logged; last_error() still tells.
  LogHandler log;
};

/// What a relay has done since it started.
struct RelayStats {
  std::uint64_t published = 0;      ///< rows acked by the broker and marked published
  std::uint64_t failed = 0;         ///< publish attempts that failed (each retry counts)
  std::uint64_t dead = 0;           ///< rows moved to the dead state
  std::uint64_t rounds = 0;         ///< rounds run (claim, publish, mark), failed ones included
  std::uint64_t failed_rounds = 0;  ///< rounds a database error ended
};

}  // namespace eventbus::outbox
