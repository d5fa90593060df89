// SPDX-License-Identifier: Apache-2.0
/// @file
/// The relay of an SQLite outbox (relay.hpp says what a relay does).
#pragma once

#include <string>

#include "eventbus/bus.hpp"
#include "eventbus/outbox/relay.hpp"
#include "eventbus/outbox/relay_options.hpp"

namespace eventbus::outbox {

/// A relay over the SQLite file at a path: one relay per file (SQLite has one writer at a
/// time, and the relay's claim does not lock rows against a second relay).
class SqliteRelay : public Relay {
 public:
  /// Opens its own connection to `path` (WAL mode, options.busy_timeout), migrates the schema
  /// and starts its thread. `bus` must outlive the relay's close(). Errors
  /// (std::system_error, the message naming the option or the file): invalid_option,
  /// database_error, schema_too_new.
  SqliteRelay(const std::string& path, Bus& bus, RelayOptions options = {});
};

}  // namespace eventbus::outbox
