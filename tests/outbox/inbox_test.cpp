// SPDX-License-Identifier: Apache-2.0
// The inbox on SQLite under the memory transport: a redelivered event's side effect happens
// once; a failed handler's writes roll back and the next delivery runs it again; an event
// that keeps failing goes dead and is dead-lettered without more handler calls; a claim whose
// consumer died is taken over after its lease; a live claim keeps others out; and a handler's
// writes commit with the done mark or not at all.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "eventbus/eventbus.hpp"
#include "outbox/outbox_test.hpp"
#include "support/unique_name.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

class OutboxInbox : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(outbox::migrate(db.get()));
    db.exec("CREATE TABLE side_effects (event_id TEXT NOT NULL, note TEXT)");
    options.group = "billing";
    options.lease = 5s;
  }
  BusOptions memory_bus() const {
    BusOptions o;
    o.memory.broker = unique_name("inbox", "broker");
    o.log.level = LogLevel::error;
    o.dispatch.retry.initial_backoff = 1ms;
    o.dispatch.retry.max_backoff = 5ms;
    return o;
  }
  // The application's side effect: one row through the inbox's transaction.
  static HandlerResult write_side_effect(const Envelope& e, sqlite3* tx) {
    const std::string sql = "INSERT INTO side_effects VALUES ('" + e.event_id + "', 'x')";
    if (sqlite3_exec(tx, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      return HandlerResult::fail(sqlite3_errmsg(tx));
    }
    return HandlerResult::ok();
  }
  std::int64_t side_effects(const std::string& event_id) const {
    return db.integer("SELECT count(*) FROM side_effects WHERE event_id = '" + event_id + "'");
  }
  std::string inbox_field(const std::string& field, const std::string& event_id) const {
    return db.text("SELECT " + field + " FROM eventbus_inbox WHERE event_id = '" + event_id + "'");
  }

  TempDir dir;
  std::string path = dir.file("app.db");
  AppDatabase db{path};
  outbox::InboxOptions options;
  std::string topic = unique_name("inbox", "payments");
};

TEST_F(OutboxInbox, RedeliveredEventHasItsSideEffectOnce) {
  outbox::SqliteInbox inbox(path, options);
  Bus bus(memory_bus());
  std::atomic<int> calls{0};
  ASSERT_FALSE(
      bus.subscribe_envelope(topic, inbox.wrap([&](const Envelope& e, const Message&, sqlite3* tx) {
           ++calls;
           return write_side_effect(e, tx);
         }))
          .error());
  const Envelope e = make_envelope("payment-1", "Captured", 1, "{}");
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(bus.publish_envelope(topic, e));  // the same id
  ASSERT_TRUE(poll_until(10s, [&] { return inbox.stats().duplicates == 2; }));
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(side_effects(e.event_id), 1);
  EXPECT_EQ(inbox_field("state", e.event_id), "done");
  EXPECT_EQ(inbox.stats().handled, 1U);
  ASSERT_FALSE(bus.close(5s).error);
}

TEST_F(OutboxInbox, FailedHandlersWritesRollBackAndTheRetryRunsItAgain) {
  outbox::SqliteInbox inbox(path, options);
  Bus bus(memory_bus());
  std::atomic<int> calls{0};
  ASSERT_FALSE(
      bus.subscribe_envelope(topic, inbox.wrap([&](const Envelope& e, const Message&, sqlite3* tx) {
           const HandlerResult wrote = write_side_effect(e, tx);
           if (++calls == 1) return HandlerResult::fail("not yet");
           return wrote;
         }))
          .error());
  const Envelope e = make_envelope("payment-2", "Captured", 1, "{}");
  ASSERT_FALSE(bus.publish_envelope(topic, e));
  ASSERT_TRUE(poll_until(10s, [&] { return inbox.stats().handled == 1; }));
  EXPECT_EQ(calls.load(), 2);
  EXPECT_EQ(side_effects(e.event_id), 1);  // the first call's row was rolled back
  EXPECT_EQ(inbox_field("attempts", e.event_id), "2");
  EXPECT_EQ(inbox_field("token", e.event_id), "2");
  EXPECT_EQ(inbox.stats().failed, 1U);
  ASSERT_FALSE(bus.close(5s).error);
}

TEST_F(OutboxInbox, EventThatKeepsFailingGoesDeadAndIsDeadLetteredWithoutMoreCalls) {
  options.max_attempts = 2;
  std::string logged;
  std::mutex log_mutex;
  options.log = [&](const LogRecord& r) {
    std::lock_guard lock(log_mutex);
    logged += std::string(r.message) + "\n";
  };
  outbox::SqliteInbox inbox(path, options);
  BusOptions bus_options = memory_bus();
  bus_options.dispatch.retry.max_attempts = 4;  // the bus calls the wrapper four times
  Bus bus(bus_options);
  std::atomic<int> calls{0};
  ASSERT_FALSE(
      bus.subscribe_envelope(topic, inbox.wrap([&](const Envelope&, const Message&, sqlite3*) {
           ++calls;
           return HandlerResult::fail("card declined");
         }))
          .error());
  const Envelope e = make_envelope("payment-3", "Captured", 1, "{}");
  ASSERT_FALSE(bus.publish_envelope(topic, e));
  ASSERT_TRUE(poll_until(10s, [&] { return bus.stats().dead_lettered == 1; }));
  EXPECT_EQ(calls.load(), 2);  // max_attempts; the bus's last two attempts failed at once
  EXPECT_EQ(inbox_field("state", e.event_id), "dead");
  EXPECT_EQ(inbox_field("last_error", e.event_id), "card declined");
  EXPECT_EQ(inbox.stats().dead, 1U);
  std::lock_guard lock(log_mutex);
  EXPECT_NE(logged.find("is dead after 2 attempt(s): card declined"), std::string::npos) << logged;
}

// A consumer that crashed mid-handler left its claim (processing, token 5). While the lease
// holds, a delivery is refused as busy; once it ran out, the claim is taken over with token 6.
TEST_F(OutboxInbox, ClaimOfACrashedConsumerIsTakenOverAfterItsLease) {
  const Envelope e = make_envelope("payment-4", "Captured", 1, "{}");
  db.exec(
      "INSERT INTO eventbus_inbox (consumer_group, event_id, topic, state, token, lease_until, "
      "attempts, received_at) VALUES ('billing', '" +
      e.event_id + "', 't', 'processing', 5, 9999999999999, 1, 0)");
  outbox::SqliteInbox inbox(path, options);
  const EnvelopeHandler handler = inbox.wrap(
      [&](const Envelope& env, const Message&, sqlite3* tx) { return write_side_effect(env, tx); });
  Message message;
  message.topic = topic;
  const HandlerResult busy = handler(e, message);
  EXPECT_FALSE(busy);
  EXPECT_NE(busy.reason.find("being handled by another consumer"), std::string::npos)
      << busy.reason;
  EXPECT_EQ(side_effects(e.event_id), 0);
  EXPECT_EQ(inbox.stats().busy, 1U);

  db.exec("UPDATE eventbus_inbox SET lease_until = 0");  // the lease ran out
  EXPECT_TRUE(handler(e, message));
  EXPECT_EQ(inbox_field("token", e.event_id), "6");
  EXPECT_EQ(inbox_field("state", e.event_id), "done");
  EXPECT_EQ(side_effects(e.event_id), 1);
  EXPECT_EQ(inbox.stats().reclaimed, 1U);
  EXPECT_TRUE(handler(e, message));  // and a redelivery after that is a duplicate
  EXPECT_EQ(side_effects(e.event_id), 1);
}

// A handler that throws is a failure: its writes roll back, the event is failed with what().
TEST_F(OutboxInbox, ThrowingHandlerRollsBackAndIsAFailure) {
  outbox::SqliteInbox inbox(path, options);
  const EnvelopeHandler handler =
      inbox.wrap([&](const Envelope& env, const Message&, sqlite3* tx) -> HandlerResult {
        write_side_effect(env, tx);
        throw std::runtime_error("ledger unavailable");
      });
  const Envelope e = make_envelope("payment-5", "Captured", 1, "{}");
  Message message;
  message.topic = topic;
  const HandlerResult result = handler(e, message);
  EXPECT_FALSE(result);
  EXPECT_EQ(result.reason, "ledger unavailable");
  EXPECT_EQ(side_effects(e.event_id), 0);
  EXPECT_EQ(inbox_field("state", e.event_id), "failed");
}

// Two groups are independent: each handles the event once.
TEST_F(OutboxInbox, EachGroupHandlesTheEventOnce) {
  outbox::SqliteInbox billing(path, options);
  options.group = "shipping";
  outbox::SqliteInbox shipping(path, options);
  const auto handle = [&](const Envelope& env, const Message&, sqlite3* tx) {
    return write_side_effect(env, tx);
  };
  const EnvelopeHandler a = billing.wrap(handle), b = shipping.wrap(handle);
  const Envelope e = make_envelope("payment-6", "Captured", 1, "{}");
  Message message;
  message.topic = topic;
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(a(e, message));
    EXPECT_TRUE(b(e, message));
  }
  EXPECT_EQ(side_effects(e.event_id), 2);
  EXPECT_EQ(billing.stats().duplicates + shipping.stats().duplicates, 2U);
}

TEST(OutboxInboxOptions, OutOfRangeOptionIsNamed) {
  TempDir dir;
  outbox::InboxOptions options;  // no group
  try {
    outbox::SqliteInbox inbox(dir.file("app.db"), options);
    ADD_FAILURE() << "accepted an empty group";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), errc::invalid_option);
    EXPECT_NE(std::string(e.what()).find("group"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace eventbus::testing
