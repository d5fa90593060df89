// SPDX-License-Identifier: Apache-2.0
// What only PostgreSQL does: migrate() and add() on the application's connection and in its
// transaction, relays sharing a table (FOR UPDATE SKIP LOCKED), and a server of the test's own
// that is killed or frozen under a relay: the round fails with a clear error by its deadline,
// close() keeps its deadline, and the relay resumes when the server is back.
#include <chrono>
#include <string>

#include "eventbus/codec.hpp"
#include "eventbus/eventbus.hpp"
#include "outbox/outbox_database.hpp"
#include "outbox/relay_support.hpp"
#include "support/broker_process.hpp"
#include "support/order_tracker.hpp"
#include "support/unique_name.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST(OutboxPostgres, MigrateAndAddWorkInTheApplicationsTransaction) {
  PostgresDatabase db;
  PgAppDatabase& app = db.app();
  int version = -1;
  ASSERT_FALSE(outbox::schema_version(app.get(), version));
  EXPECT_EQ(version, 0);
  const outbox::Error unmigrated =
      outbox::add(app.get(), "orders", make_envelope("a", "E", 1, "{}"));
  EXPECT_EQ(unmigrated.code, outbox::errc::not_migrated) << unmigrated.detail;

  app.exec("BEGIN");  // migrated inside the application's transaction, with its own work
  ASSERT_FALSE(outbox::migrate(app.get()));
  app.exec("CREATE TABLE orders (id TEXT PRIMARY KEY)");
  app.exec("COMMIT");
  ASSERT_FALSE(outbox::migrate(app.get()));  // again: nothing to do
  ASSERT_FALSE(outbox::schema_version(app.get(), version));
  EXPECT_EQ(version, outbox::kSchemaVersion);

  Envelope e = make_envelope("order-1", "Created", 1, R"({"total": 5})");
  e.tenant_id = 42;
  app.exec("BEGIN");
  app.exec("INSERT INTO orders VALUES ('order-1')");
  ASSERT_FALSE(outbox::add(app.get(), "orders", e, Headers{{"X-Source", "test"}}));
  app.exec("COMMIT");
  app.exec("BEGIN");
  ASSERT_FALSE(outbox::add(app.get(), "orders", make_envelope("order-2", "Created", 1, "{}")));
  app.exec("ROLLBACK");

  std::string encoded;
  ASSERT_FALSE(encode(e, encoded));
  EXPECT_EQ(app.text("SELECT convert_from(payload, 'UTF8') FROM eventbus_outbox"), encoded);
  EXPECT_EQ(app.text("SELECT topic || '|' || aggregate_id || '|' || state || '|' || tenant_id "
                     "|| '|' || headers FROM eventbus_outbox"),
            R"(orders|order-1|pending|42|[["X-Source","test"]])");
  EXPECT_EQ(app.integer("SELECT count(*) FROM eventbus_outbox"), 1);

  // Bad input: named, nothing stored. A failed transaction is refused until rolled back.
  EXPECT_EQ(outbox::add(static_cast<PGconn*>(nullptr), "orders", e).code, errc::invalid_option);
  EXPECT_EQ(outbox::add(app.get(), "bad topic", e).code, errc::invalid_topic);
  const outbox::Error twice = outbox::add(app.get(), "orders", e);
  EXPECT_EQ(twice.code, outbox::errc::database_error);
  EXPECT_NE(twice.detail.find("event_id"), std::string::npos) << twice.detail;
  app.exec("BEGIN");
  PQclear(PQexec(app.get(), "SELECT no_such_column FROM orders"));
  const outbox::Error failed = outbox::add(app.get(), "orders", make_envelope("o", "E", 1, "{}"));
  EXPECT_EQ(failed.code, errc::invalid_option);
  EXPECT_NE(failed.detail.find("roll it back"), std::string::npos) << failed.detail;
  app.exec("ROLLBACK");
  EXPECT_EQ(app.integer("SELECT count(*) FROM eventbus_outbox"), 1);
}

// Two relays on one table: every row is published once (neither takes a row the other holds)
// and each aggregate's events in order (a row waits while an earlier one of its aggregate is
// held by the other relay).
TEST(OutboxPostgres, TwoRelaysShareATableWithoutDuplicatesOrDisorder) {
  PostgresDatabase db;
  ASSERT_FALSE(db.migrate());
  const std::string topic = unique_name("outbox", "orders");
  Bus bus(outbox_memory_bus());
  OrderTracker tracker;
  ASSERT_FALSE(track(bus, topic, tracker));
  outbox::RelayOptions options = fast_relay();
  options.batch_size = 32;
  const auto first = db.relay(bus, options);
  const auto second = db.relay(bus, options);

  constexpr int kAggregates = 40, kVersions = 25;
  for (int v = 1; v <= kVersions; ++v) {
    db.exec("BEGIN");
    for (int a = 0; a < kAggregates; ++a) {
      ASSERT_FALSE(db.add(topic, make_envelope("agg-" + std::to_string(a), "Changed", v, "{}")));
    }
    db.exec("COMMIT");
    first->notify();
    second->notify();
  }
  constexpr auto kTotal = static_cast<std::uint64_t>(kAggregates * kVersions);
  ASSERT_TRUE(tracker.wait_for_distinct(kTotal, 60s)) << tracker.distinct();
  ASSERT_TRUE(poll_until(10s, [&] { return db.count_in_state("published") == kTotal; }));
  EXPECT_FALSE(first->close(5s));
  EXPECT_FALSE(second->close(5s));
  EXPECT_EQ(tracker.duplicates(), 0U);
  EXPECT_EQ(tracker.order_violations(), 0U);
  EXPECT_EQ(first->stats().published + second->stats().published, kTotal);
}

// The server killed (SIGKILL, its backends too) under a running relay: each round fails with
// libpq's words and the rows stay pending; restarted, the relay connects again by itself and
// publishes everything, in order.
TEST(OutboxPostgres, KilledServerFailsRoundsAndTheRelayResumesWhenItIsBack) {
  BrokerProcess server(BrokerProcess::Kind::postgres);
  PostgresDatabase db(server.address());
  ASSERT_FALSE(db.migrate());
  const std::string topic = unique_name("outbox", "orders");
  Bus bus(outbox_memory_bus());
  OrderTracker tracker;
  ASSERT_FALSE(track(bus, topic, tracker));
  outbox::RelayOptions options = fast_relay();
  options.database_timeout = 2s;
  const auto relay = db.relay(bus, options);
  for (int v = 1; v <= 5; ++v)
    ASSERT_FALSE(db.add(topic, make_envelope("agg", "Changed", v, "{}")));
  ASSERT_TRUE(tracker.wait_for_distinct(5, 20s));

  server.kill9();
  const std::uint64_t failed_before = relay->stats().failed_rounds;
  ASSERT_TRUE(poll_until(20s, [&] { return relay->stats().failed_rounds >= failed_before + 2; }));
  const outbox::Error error = relay->last_error();
  EXPECT_EQ(error.code, outbox::errc::database_error);
  EXPECT_NE(error.detail.find("connecting to PostgreSQL"), std::string::npos) << error.detail;

  server.restart();
  db.app().reconnect();  // the application's connection died with the server
  for (int v = 6; v <= 10; ++v) {
    ASSERT_FALSE(db.add(topic, make_envelope("agg", "Changed", v, "{}")));
  }
  ASSERT_TRUE(tracker.wait_for_distinct(10, 30s)) << tracker.distinct();
  ASSERT_TRUE(poll_until(10s, [&] { return db.count_in_state("published") == 10; }));
  EXPECT_FALSE(relay->close(5s));
  EXPECT_EQ(tracker.order_violations(), 0U);
}

// A frozen server (SIGSTOP: connections open, nothing answers): the round under way gives up
// after database_timeout, and close() keeps its own, shorter deadline while a call waits. The
// relay's sessions carry the application name eventbus-outbox-relay.
TEST(OutboxPostgres, FrozenServerCannotHoldTheRelayPastItsDeadlines) {
  BrokerProcess server(BrokerProcess::Kind::postgres);
  PostgresDatabase db(server.address());
  ASSERT_FALSE(db.migrate());
  Bus bus(outbox_memory_bus());
  outbox::RelayOptions options = fast_relay();
  options.database_timeout = 700ms;
  const auto relay = db.relay(bus, options);
  auto frozen_first = std::make_unique<FrozenBroker>(server);
  {
    const std::uint64_t failed_before = relay->stats().failed_rounds;
    const auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(poll_until(10s, [&] { return relay->stats().failed_rounds > failed_before; }));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 700ms + 2s);
    const outbox::Error error = relay->last_error();
    EXPECT_NE(error.detail.find("no answer within 700 ms"), std::string::npos) << error.detail;
  }
  frozen_first.reset();
  EXPECT_FALSE(relay->close(5s));

  options.database_timeout = 30s;  // a second relay whose calls would wait long,
  options.poll_interval = 1h;      // and whose next round starts when notified
  const auto patient = db.relay(bus, options);
  // Its first round is over once its session is idle (not in a transaction) in the server's
  // view.
  ASSERT_TRUE(poll_until(10s, [&] {
    return patient->stats().rounds == 1 &&
           db.integer(
               "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
               "'eventbus-outbox-relay' AND state = 'idle'") == 1;
  }));
  FrozenBroker frozen(server);
  patient->notify();
  ASSERT_TRUE(poll_until(5s, [&] { return patient->stats().rounds == 2; }));  // it waits
  const auto closing = std::chrono::steady_clock::now();
  patient->close(300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - closing, 300ms + 500ms);
}

// The connection string may hold a password: it appears in no error.
TEST(OutboxPostgres, ConnectionFailureIsNamedWithoutThePassword) {
  Bus bus(outbox_memory_bus());
  outbox::RelayOptions options;
  options.database_timeout = 2s;
  try {
    outbox::PostgresRelay relay("postgresql://eventbus:s3cret-pw@127.0.0.1:1/postgres", bus,
                                options);
    ADD_FAILURE() << "connected to port 1";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), outbox::errc::database_error);
    const std::string what = e.what();
    EXPECT_NE(what.find("connecting to PostgreSQL"), std::string::npos) << what;
    EXPECT_EQ(what.find("s3cret-pw"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace eventbus::testing
