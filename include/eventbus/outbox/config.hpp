// SPDX-License-Identifier: Apache-2.0
/// @file
/// The configuration file's `outbox:` and `inbox:` sections (the `outbox` and `inbox` members
/// of eventbus::Config, eventbus/outbox_config.hpp) turned into the outbox's options, and a relay
/// started from its section.
#pragma once

#include <memory>

#include "eventbus/bus.hpp"
#include "eventbus/log.hpp"
#include "eventbus/outbox/inbox.hpp"
#include "eventbus/outbox/relay.hpp"
#include "eventbus/outbox/relay_options.hpp"
#include "eventbus/outbox_config.hpp"

namespace eventbus::outbox {

/// The section's settings as RelayOptions, with `log` as their log handler.
RelayOptions relay_options(const OutboxConfig& config, LogHandler log = {});

/// The section's settings as InboxOptions, with `log` as their log handler. The application
/// makes the inbox of its store (SqliteInbox(config.path, ...) or PostgresInbox(config.url,
/// ...)): the handler's type is the store's.
InboxOptions inbox_options(const InboxConfig& config, LogHandler log = {});

/// Starts the relay the section describes: an SqliteRelay on `path` or a PostgresRelay on
/// `url`, publishing through `bus`. Errors (std::system_error): invalid_option when the section
/// names no store, or postgres in a build without it; then as the relay's constructor.
std::unique_ptr<Relay> start_relay(const OutboxConfig& config, Bus& bus, LogHandler log = {});

}  // namespace eventbus::outbox
