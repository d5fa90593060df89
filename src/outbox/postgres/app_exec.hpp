// SPDX-License-Identifier: Apache-2.0
// Statements on the application's own connection (migrate(), add()): plain blocking libpq, in
// whatever transaction the application has open, as any of its own statements would run.
#pragma once

#include <libpq-fe.h>

#include <string_view>

#include "eventbus/outbox/error.hpp"
#include "outbox/postgres/migration.hpp"

namespace eventbus::outbox::postgres {

// invalid_option when `conn` is null, is not connected, or its transaction failed earlier (the
// application must roll it back first); else empty.
Error check_app_connection(PGconn* conn);

// An Exec over `conn`: PQexecParams with binary results (PQexec for SQL without parameters,
// which may hold several statements).
Exec app_exec(PGconn* conn);

}  // namespace eventbus::outbox::postgres
