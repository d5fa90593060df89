// SPDX-License-Identifier: Apache-2.0
// The inbox on PostgreSQL (a schema per test on the fixture's server): a redelivered event's
// side effect happens once; a failed handler's writes roll back and the retry runs it again;
// a second delivery while the first holds the claim is refused as busy; and a handler that
// outlives its lease loses the claim to another delivery: its settle is refused (stale), its
// writes roll back, and the side effect is the new claimant's, once.
#include <atomic>
#include <chrono>
#include <future>
#include <string>

#include "eventbus/eventbus.hpp"
#include "outbox/outbox_database.hpp"
#include "support/unique_name.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

class OutboxPostgresInbox : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(db.migrate());
    db.exec("CREATE TABLE side_effects (event_id TEXT NOT NULL, note TEXT)");
    options.group = "billing";
    options.lease = 5s;
    message.topic = topic;
  }
  static HandlerResult write_side_effect(const Envelope& e, PGconn* conn, const char* note) {
    const std::string sql =
        "INSERT INTO side_effects VALUES ('" + e.event_id + "', '" + note + "')";
    PGresult* result = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    const std::string error = PQresultErrorMessage(result);
    PQclear(result);
    return ok ? HandlerResult::ok() : HandlerResult::fail(error);
  }
  std::string side_effects(const std::string& event_id) {
    return db.text(
        "SELECT coalesce(string_agg(note, ',' ORDER BY note), '') FROM side_effects "
        "WHERE event_id = '" +
        event_id + "'");
  }
  std::string inbox_field(const std::string& field, const std::string& event_id) {
    return db.text("SELECT " + field + "::text FROM eventbus_inbox WHERE event_id = '" + event_id +
                   "'");
  }

  PostgresDatabase db;
  outbox::InboxOptions options;
  std::string topic = unique_name("inbox", "payments");
  Message message;
};

TEST_F(OutboxPostgresInbox, RedeliveredEventHasItsSideEffectOnce) {
  outbox::PostgresInbox inbox(db.app().conninfo(), options);
  BusOptions bus_options;
  bus_options.memory.broker = unique_name("inbox", "broker");
  Bus bus(bus_options);
  std::atomic<int> calls{0};
  ASSERT_FALSE(bus.subscribe_envelope(
                      topic, inbox.wrap([&](const Envelope& e, const Message&, PGconn* conn) {
                        ++calls;
                        return write_side_effect(e, conn, "x");
                      }))
                   .error());
  const Envelope e = make_envelope("payment-1", "Captured", 1, "{}");
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(bus.publish_envelope(topic, e));
  ASSERT_TRUE(poll_until(10s, [&] { return inbox.stats().duplicates == 2; }));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(side_effects(e.event_id), "x");
  EXPECT_EQ(inbox_field("state", e.event_id), "done");
  ASSERT_FALSE(bus.close(5s).error);
}

TEST_F(OutboxPostgresInbox, FailedHandlersWritesRollBackAndTheRetryRunsItAgain) {
  outbox::PostgresInbox inbox(db.app().conninfo(), options);
  int calls = 0;
  const EnvelopeHandler handler = inbox.wrap([&](const Envelope& e, const Message&, PGconn* conn) {
    const HandlerResult wrote = write_side_effect(e, conn, std::to_string(++calls).c_str());
    return calls == 1 ? HandlerResult::fail("not yet") : wrote;
  });
  const Envelope e = make_envelope("payment-2", "Captured", 1, "{}");
  const HandlerResult first = handler(e, message);
  EXPECT_EQ(first.reason, "not yet");
  EXPECT_EQ(inbox_field("state", e.event_id), "failed");
  EXPECT_TRUE(handler(e, message));
  EXPECT_EQ(side_effects(e.event_id), "2");  // the first call's row was rolled back
  EXPECT_EQ(inbox_field("token", e.event_id), "2");
  EXPECT_EQ(inbox_field("attempts", e.event_id), "2");
}

// Delivery A's handler holds the claim; delivery B of the same event meanwhile is refused as
// busy. Then A's lease runs out (set here instead of waiting) and B takes the event over and
// handles it; A's settle finds its token stale, and A's writes are rolled back.
TEST_F(OutboxPostgresInbox, HandlerThatOutlivesItsLeaseLosesTheClaimAndItsWrites) {
  std::string logged;
  std::mutex log_mutex;
  options.log = [&](const LogRecord& r) {
    std::lock_guard lock(log_mutex);
    logged += std::string(r.message) + "\n";
  };
  outbox::PostgresInbox inbox(db.app().conninfo(), options);
  std::promise<void> a_running, a_may_finish;
  std::shared_future<void> a_may_finish_future = a_may_finish.get_future().share();
  const EnvelopeHandler a = inbox.wrap([&](const Envelope& e, const Message&, PGconn* conn) {
    const HandlerResult wrote = write_side_effect(e, conn, "a");
    a_running.set_value();
    a_may_finish_future.wait();
    return wrote;
  });
  const EnvelopeHandler b = inbox.wrap([&](const Envelope& e, const Message&, PGconn* conn) {
    return write_side_effect(e, conn, "b");
  });
  const Envelope e = make_envelope("payment-3", "Captured", 1, "{}");
  std::future<HandlerResult> a_result =
      std::async(std::launch::async, [&] { return a(e, message); });
  a_running.get_future().wait();

  const HandlerResult busy = b(e, message);
  EXPECT_FALSE(busy);
  EXPECT_NE(busy.reason.find("being handled by another consumer"), std::string::npos)
      << busy.reason;
  db.exec("UPDATE eventbus_inbox SET lease_until = 0");  // A's lease ran out
  EXPECT_TRUE(b(e, message));
  a_may_finish.set_value();
  EXPECT_TRUE(a_result.get());  // acked: the event is B's

  EXPECT_EQ(side_effects(e.event_id), "b");
  EXPECT_EQ(inbox_field("state", e.event_id), "done");
  EXPECT_EQ(inbox_field("token", e.event_id), "2");
  const outbox::InboxStats stats = inbox.stats();
  EXPECT_EQ(stats.stale, 1U);
  EXPECT_EQ(stats.busy, 1U);
  EXPECT_EQ(stats.reclaimed, 1U);
  EXPECT_EQ(stats.handled, 1U);
  std::lock_guard lock(log_mutex);
  EXPECT_NE(logged.find("token 1 is stale"), std::string::npos) << logged;
}

}  // namespace
}  // namespace eventbus::testing
