// SPDX-License-Identifier: Apache-2.0
/// @file
/// The transactional outbox on SQLite (target eventbus::outbox): migrate(), add() in the
/// application's transaction, and the SqliteRelay that publishes through a Bus. See
/// docs/outbox.md.
#pragma once

#include "eventbus/outbox/add.hpp"
#include "eventbus/outbox/config.hpp"
#include "eventbus/outbox/error.hpp"
#include "eventbus/outbox/inbox.hpp"
#include "eventbus/outbox/relay_options.hpp"
#include "eventbus/outbox/schema.hpp"
#include "eventbus/outbox/sqlite_relay.hpp"
