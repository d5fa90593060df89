// SPDX-License-Identifier: Apache-2.0
/// @file
/// The configuration file's `outbox:` and `inbox:` sections (docs/configuration.md): where the
/// transactional outbox's relay and the idempotent consumer keep their tables and how they
/// run. Plain values, so the core library stays free of databases; eventbus::outbox turns them
/// into its options and starts a relay from them (eventbus/outbox/config.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace eventbus {

/// The `outbox` section: the relay's store and settings (outbox::RelayOptions' defaults).
struct OutboxConfig {
  std::string store;  ///< "sqlite" or "postgres"; empty: the file configures no outbox
  std::string path;   ///< sqlite: the database file
  /// postgres: the libpq connection string or URI; it may hold a password and is never put
  /// into an error or a log line.
  std::string url;
  std::size_t batch_size = 256;                       ///< rows claimed per round
  std::chrono::milliseconds poll_interval{100};       ///< wait after a round short of a batch
  std::uint32_t max_attempts = 10;                    ///< publish attempts before dead
  std::chrono::milliseconds initial_backoff{100};     ///< wait before the second attempt
  std::chrono::milliseconds max_backoff{60000};       ///< longest wait between attempts
  std::chrono::milliseconds busy_timeout{5000};       ///< lock wait (SQLite busy, PG lock)
  std::chrono::milliseconds database_timeout{10000};  ///< postgres: one call's deadline
};

/// The `inbox` section: the idempotent consumer's store and settings (outbox::InboxOptions').
struct InboxConfig {
  std::string store;  ///< "sqlite" or "postgres"; empty: the file configures no inbox
  std::string path;   ///< sqlite: the database file
  std::string url;    ///< postgres: the connection string (never logged)
  std::string group;  ///< the consumer group of its rows; required with a store
  std::chrono::milliseconds lease{30000};             ///< how long a claim holds
  std::uint32_t max_attempts = 10;                    ///< handler failures before dead
  std::chrono::milliseconds busy_timeout{5000};       ///< lock wait
  std::chrono::milliseconds database_timeout{10000};  ///< postgres: one call's deadline
};

}  // namespace eventbus
