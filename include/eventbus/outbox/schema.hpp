// SPDX-License-Identifier: Apache-2.0
/// @file
/// The outbox's tables on SQLite, created and upgraded by versioned migrations.
///
/// Tables: `eventbus_outbox` (one row per event: id, topic, aggregate_id, event_id UNIQUE,
/// payload (the encoded envelope), headers, tenant_id, state pending | published | dead,
/// attempts, next_attempt_at, last_error, created_at, published_at; times in Unix
/// milliseconds), `eventbus_inbox` (one row per consumer group and event id: state
/// processing | done | failed | dead, fencing token, lease, attempts, last_error; inbox.hpp)
/// and `eventbus_outbox_schema` (its one row: the schema version).
#pragma once

#include "eventbus/outbox/error.hpp"

struct sqlite3;  // <sqlite3.h>: the application's connection

namespace eventbus::outbox {

/// The schema version this library creates and understands.
inline constexpr int kSchemaVersion = 3;

/// Creates the outbox tables, or upgrades them to kSchemaVersion, in one transaction (a
/// savepoint when the caller has one open). Idempotent: on an up-to-date database it changes
/// nothing. Errors: invalid_option (db is null), schema_too_new (the database's version is
/// newer than kSchemaVersion; both are named), database_error (SQLite's message).
Error migrate(sqlite3* db);

/// The outbox schema version of the database: 0 when it has none yet. Errors as migrate().
Error schema_version(sqlite3* db, int& version);

}  // namespace eventbus::outbox
