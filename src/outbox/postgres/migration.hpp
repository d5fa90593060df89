// SPDX-License-Identifier: Apache-2.0
// The outbox schema on PostgreSQL, as versioned migrations run through any connection: the
// application's (blocking libpq, in its transaction) or the relay's (connection.hpp).
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "eventbus/outbox/error.hpp"
#include "outbox/postgres/connection.hpp"
#include "outbox/postgres/result.hpp"

namespace eventbus::outbox::postgres {

// Runs one statement; binary results.
using Exec = std::function<Error(std::string_view what, const char* sql,
                                 const std::vector<Param>& params, Result& out)>;

// The schema version: 0 when the database has no outbox yet.
Error read_version(const Exec& exec, int& version);

// Inside a transaction the caller opened: waits for any other migration (an advisory lock held
// to the transaction's end), then creates or upgrades the tables to kSchemaVersion. Changes
// nothing on an up-to-date database; schema_too_new for a newer one.
Error apply_migrations(const Exec& exec);

// apply_migrations on a connection of the library's own, in a transaction of its own.
Error migrate(Connection& connection);

}  // namespace eventbus::outbox::postgres
