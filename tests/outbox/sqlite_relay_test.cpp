// SPDX-License-Identifier: Apache-2.0
// What only SQLite does: the application's write lock held past the relay's busy timeout.
#include <chrono>
#include <string>

#include "eventbus/eventbus.hpp"
#include "outbox/outbox_test.hpp"
#include "outbox/relay_support.hpp"
#include "support/order_tracker.hpp"
#include "support/unique_name.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// The application holds the write lock longer than the relay's busy timeout: the relay's round
// fails with SQLite's words, the rows stay pending, and once the lock is gone the relay goes on
// (publishing those rows again: at-least-once).
TEST(OutboxSqliteRelay, DatabaseErrorFailsTheRoundAndTheRelayResumes) {
  TempDir dir;
  const std::string path = dir.file("app.db");
  AppDatabase db(path);
  ASSERT_FALSE(outbox::migrate(db.get()));
  const std::string topic = unique_name("outbox", "orders");
  OrderTracker tracker;
  Bus bus(outbox_memory_bus());
  ASSERT_FALSE(track(bus, topic, tracker));
  ASSERT_FALSE(outbox::add(db.get(), topic, make_envelope("agg", "Created", 1, "{}")));
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("BEGIN IMMEDIATE");  // the write lock; the relay can still read (WAL)
  db.exec("UPDATE eventbus_outbox_schema SET version = version");
  outbox::RelayOptions options;
  options.poll_interval = 10ms;
  options.busy_timeout = 20ms;
  outbox::SqliteRelay relay(path, bus, options);
  ASSERT_TRUE(poll_until(10s, [&] { return relay.stats().failed_rounds >= 2; }));
  const outbox::Error error = relay.last_error();
  EXPECT_EQ(error.code, outbox::errc::database_error);
  EXPECT_NE(error.detail.find("locked"), std::string::npos) << error.detail;
  db.exec("COMMIT");
  ASSERT_TRUE(poll_until(10s, [&] { return db.count_in_state("published") == 1; }));
  EXPECT_FALSE(relay.close(5s));
  EXPECT_EQ(tracker.distinct(), 1U);
  EXPECT_GE(tracker.duplicates(), 1U);  // published in each failed round, acked each time
  EXPECT_EQ(tracker.order_violations(), 0U);
}

}  // namespace
}  // namespace eventbus::testing
