// SPDX-License-Identifier: Apache-2.0
// Migration n takes a database from version n-1 to n. A new version appends one; an applied one
// is never edited, since databases in the field were built by it.
#include "outbox/postgres/migration.hpp"

#include <array>
#include <string>

#include "eventbus/outbox/schema.hpp"
#include "outbox/schema_too_new.hpp"

namespace eventbus::outbox::postgres {
namespace {

// As on SQLite (schema.hpp), in PostgreSQL's types. The partial indexes hold only pending rows,
// so the relay's claim stays as fast however many published rows the table keeps.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE eventbus_outbox (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  topic TEXT NOT NULL,
  aggregate_id TEXT NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  payload BYTEA NOT NULL,
  headers TEXT,
  tenant_id BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'published', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  published_at BIGINT
);
CREATE INDEX eventbus_outbox_due ON eventbus_outbox (id) WHERE state = 'pending';
CREATE INDEX eventbus_outbox_aggregate ON eventbus_outbox (aggregate_id, id)
  WHERE state = 'pending';
)sql",
    // Version 2 gave SQLite the partial indexes PostgreSQL had from version 1: nothing to do.
    "SELECT 1",
    // Version 3: the inbox, as on SQLite.
    R"sql(
CREATE TABLE eventbus_inbox (
  consumer_group TEXT NOT NULL,
  event_id TEXT NOT NULL,
  topic TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('processing', 'done', 'failed', 'dead')),
  token BIGINT NOT NULL,
  lease_until BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  received_at BIGINT NOT NULL,
  done_at BIGINT,
  PRIMARY KEY (consumer_group, event_id)
);
)sql",
};

// Any constant will do, as long as it is this library's: pg_advisory_xact_lock takes a bigint.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(4711600613251790848)";

}  // namespace

Error read_version(const Exec& exec, int& version) {
  version = 0;
  Result exists;
  // to_regclass follows search_path, as the unqualified names of every other statement do.
  if (Error error =
          exec("reading the outbox schema version",
               "SELECT CASE WHEN to_regclass('eventbus_outbox_schema') IS NULL THEN 0 ELSE 1 END",
               {}, exists)) {
    return error;
  }
  if (exists.rows() != 1 || exists.integer(0, 0) == 0) return {};
  Result read;
  if (Error error = exec("reading the outbox schema version",
                         "SELECT max(version) FROM eventbus_outbox_schema", {}, read)) {
    return error;
  }
  if (read.rows() == 1 && !read.is_null(0, 0)) version = static_cast<int>(read.integer(0, 0));
  return {};
}

Error migrate(Connection& connection) {
  const Exec exec = [&connection](std::string_view what, const char* sql,
                                  const std::vector<Param>& params, Result& result) {
    return connection.exec(what, sql, params, result);
  };
  if (Error error = connection.exec("starting the migration", "BEGIN")) return error;
  if (Error error = apply_migrations(exec)) {
    connection.drop();  // ends the failed transaction on the server too
    return error;
  }
  return connection.exec("committing the migration", "COMMIT");
}

Error apply_migrations(const Exec& exec) {
  Result ignored;
  int version = 0;
  if (Error error = read_version(exec, version)) return error;
  if (version > kSchemaVersion) return schema_too_new(version);
  if (version == kSchemaVersion) return {};  // every relay start: no lock taken
  if (Error error = exec("waiting for other migrations", kMigrationLock, {}, ignored)) {
    return error;
  }
  // Again under the lock: another connection may have migrated meanwhile.
  if (Error error = read_version(exec, version)) return error;
  if (version > kSchemaVersion) return schema_too_new(version);
  if (Error error = exec("creating eventbus_outbox_schema",
                         "CREATE TABLE IF NOT EXISTS eventbus_outbox_schema "
                         "(version INTEGER NOT NULL)",
                         {}, ignored)) {
    return error;
  }
  for (int next = version + 1; next <= kSchemaVersion; ++next) {
    const std::string what = "migrating eventbus_outbox to version " + std::to_string(next);
    if (Error error = exec(what, kMigrations.at(next - 1), {}, ignored)) return error;
  }
  if (Error error = exec("setting the outbox schema version", "DELETE FROM eventbus_outbox_schema",
                         {}, ignored)) {
    return error;
  }
  return exec("setting the outbox schema version",
              "INSERT INTO eventbus_outbox_schema (version) VALUES ($1)",
              {Param{std::to_string(kSchemaVersion)}}, ignored);
}

}  // namespace eventbus::outbox::postgres
