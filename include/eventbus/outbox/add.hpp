// SPDX-License-Identifier: Apache-2.0
/// @file
/// Adds an event to the outbox through the application's own connection, inside its own
/// transaction: the row commits or rolls back with the business data, so an event is published
/// exactly when its transaction committed (at least once; see docs/outbox.md).
#pragma once

#include <string_view>

#include "eventbus/envelope.hpp"
#include "eventbus/message.hpp"
#include "eventbus/outbox/error.hpp"

struct sqlite3;  // <sqlite3.h>: the application's connection

namespace eventbus::outbox {

/// Validates and encodes `envelope` (eventbus::encode) and inserts a pending row for `topic` on
/// `db`, in whatever transaction `db` has open (none: the row commits at once). Never throws
/// for bad input. Errors: invalid_option (db is null), invalid_topic, the envelope's invalid_*
/// field (the detail names it), not_migrated (no outbox table), database_error (SQLite's
/// message; a second row with the same event_id is one: event_id is unique).
Error add(sqlite3* db, std::string_view topic, const Envelope& envelope);

/// As add(db, topic, envelope), with headers the relay sends with the event (PublishCall's
/// rules: a header the bus writes itself, X-Event-ID and the like, is refused at publish and
/// the row goes dead after its attempts). Errors: as above, and invalid_option for an empty
/// header name.
Error add(sqlite3* db, std::string_view topic, const Envelope& envelope, const Headers& headers);

}  // namespace eventbus::outbox
