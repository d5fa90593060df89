// SPDX-License-Identifier: Apache-2.0
// migrate() and schema_version() on the application's connection.
#include <libpq-fe.h>

#include "eventbus/outbox/postgres.hpp"
#include "outbox/postgres/app_exec.hpp"
#include "outbox/postgres/migration.hpp"

namespace eventbus::outbox {

Error schema_version(PGconn* conn, int& version) {
  version = 0;
  if (Error error = postgres::check_app_connection(conn)) return error;
  return postgres::read_version(postgres::app_exec(conn), version);
}

Error migrate(PGconn* conn) {
  if (Error error = postgres::check_app_connection(conn)) return error;
  const postgres::Exec exec = postgres::app_exec(conn);
  postgres::Result ignored;
  // Inside the application's transaction a savepoint, so a failed migration leaves the rest of
  // its transaction usable; else a transaction of its own.
  const bool nested = PQtransactionStatus(conn) == PQTRANS_INTRANS;
  const char* begin = nested ? "SAVEPOINT eventbus_outbox_migrate" : "BEGIN";
  const char* commit = nested ? "RELEASE SAVEPOINT eventbus_outbox_migrate" : "COMMIT";
  const char* rollback = nested ? "ROLLBACK TO SAVEPOINT eventbus_outbox_migrate" : "ROLLBACK";
  if (Error error = exec("starting the migration", begin, {}, ignored)) return error;
  if (Error error = postgres::apply_migrations(exec)) {
    exec("rolling back the migration", rollback, {}, ignored);
    if (nested) exec("rolling back the migration", commit, {}, ignored);
    return error;
  }
  return exec("committing the migration", commit, {}, ignored);
}

}  // namespace eventbus::outbox
