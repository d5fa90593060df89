// SPDX-License-Identifier: Apache-2.0
// migrate(): idempotent, upgrades an older schema in place, and a database newer than the
// library is refused, naming both versions.
#include <system_error>

#include "eventbus/eventbus.hpp"
#include "outbox/outbox_test.hpp"

namespace eventbus::testing {
namespace {

TEST(OutboxSchema, MigrateTwiceIsHarmless) {
  TempDir dir;
  AppDatabase db(dir.file("app.db"));
  int version = -1;
  ASSERT_FALSE(outbox::schema_version(db.get(), version));
  EXPECT_EQ(version, 0);
  ASSERT_FALSE(outbox::migrate(db.get()));
  ASSERT_FALSE(outbox::add(db.get(), "orders", make_envelope("a-1", "Created", 1, "{}")));
  const outbox::Error again = outbox::migrate(db.get());
  EXPECT_FALSE(again) << again.detail;
  ASSERT_FALSE(outbox::schema_version(db.get(), version));
  EXPECT_EQ(version, outbox::kSchemaVersion);
  EXPECT_EQ(db.integer("SELECT count(*) FROM eventbus_outbox_schema"), 1);
  EXPECT_EQ(db.count_in_state("pending"), 1);  // the row survived the second migrate
}

TEST(OutboxSchema, MigrateInsideTheCallersTransactionRollsBackWithIt) {
  TempDir dir;
  AppDatabase db(dir.file("app.db"));
  db.exec("BEGIN");
  ASSERT_FALSE(outbox::migrate(db.get()));
  db.exec("ROLLBACK");
  int version = -1;
  ASSERT_FALSE(outbox::schema_version(db.get(), version));
  EXPECT_EQ(version, 0);
}

TEST(OutboxSchema, NewerSchemaVersionIsRefusedNamingBothVersions) {
  TempDir dir;
  AppDatabase db(dir.file("app.db"));
  ASSERT_FALSE(outbox::migrate(db.get()));
  db.exec("UPDATE eventbus_outbox_schema SET version = 7");
  const outbox::Error error = outbox::migrate(db.get());
  EXPECT_EQ(error.code, outbox::errc::schema_too_new);
  EXPECT_NE(error.detail.find("version 7"), std::string::npos) << error.detail;
  EXPECT_NE(error.detail.find("(" + std::to_string(outbox::kSchemaVersion) + ")"),
            std::string::npos)
      << error.detail;

  // The relay refuses it too, and says which file.
  Bus bus(BusOptions{});
  try {
    outbox::SqliteRelay relay(dir.file("app.db"), bus);
    ADD_FAILURE() << "the relay opened a database of schema version 7";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), outbox::errc::schema_too_new);
    EXPECT_NE(std::string(e.what()).find("app.db"), std::string::npos) << e.what();
  }
}

// A database built by version 1 (its tables as that version's migration made them, with a
// pending row) is upgraded in place: the row stays, the claim's indexes are the partial ones.
TEST(OutboxSchema, VersionOneDatabaseIsUpgradedKeepingItsRows) {
  TempDir dir;
  AppDatabase db(dir.file("app.db"));
  db.exec(R"sql(
CREATE TABLE eventbus_outbox_schema (version INTEGER NOT NULL);
INSERT INTO eventbus_outbox_schema VALUES (1);
CREATE TABLE eventbus_outbox (
  id INTEGER PRIMARY KEY, topic TEXT NOT NULL, aggregate_id TEXT NOT NULL,
  event_id TEXT NOT NULL UNIQUE, payload BLOB NOT NULL, headers TEXT,
  tenant_id INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'published', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT, created_at INTEGER NOT NULL, published_at INTEGER);
CREATE INDEX eventbus_outbox_due ON eventbus_outbox (state, next_attempt_at, id);
CREATE INDEX eventbus_outbox_aggregate ON eventbus_outbox (aggregate_id, state, id);
)sql");
  ASSERT_FALSE(outbox::add(db.get(), "orders", make_envelope("a-1", "Created", 1, "{}")));
  ASSERT_FALSE(outbox::migrate(db.get()));
  int version = -1;
  ASSERT_FALSE(outbox::schema_version(db.get(), version));
  EXPECT_EQ(version, outbox::kSchemaVersion);
  EXPECT_EQ(db.count_in_state("pending"), 1);
  EXPECT_EQ(db.integer("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                       "('eventbus_outbox_pending', 'eventbus_outbox_pending_aggregate')"),
            2);
  EXPECT_EQ(db.integer("SELECT count(*) FROM sqlite_master WHERE name = 'eventbus_outbox_due'"), 0);
}

TEST(OutboxSchema, NullConnectionIsAnInvalidOption) {
  EXPECT_EQ(outbox::migrate(nullptr).code, errc::invalid_option);
}

}  // namespace
}  // namespace eventbus::testing
