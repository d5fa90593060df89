// SPDX-License-Identifier: Apache-2.0
// The store conformance suite: the relay on the memory transport over each database (a real
// SQLite file; a schema on the PostgreSQL fixture's server): what commits is published and what
// rolls back never is; order per aggregate; retries with backoff, then the dead state; rows that
// are not envelopes; a closed bus; close().
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>

#include "eventbus/eventbus.hpp"
#include "outbox/outbox_database.hpp"
#include "outbox/relay_support.hpp"
#include "support/order_tracker.hpp"
#include "support/threads.hpp"
#include "support/unique_name.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

class OutboxRelay : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_FALSE(db->migrate()); }
  std::unique_ptr<OutboxDatabase> db = make_database(GetParam());
  std::string topic = unique_name("outbox", "orders");
};

TEST_P(OutboxRelay, CommittedRowsArePublishedRolledBackOnesNever) {
  OrderTracker tracker;
  Bus bus(outbox_memory_bus());
  ASSERT_FALSE(track(bus, topic, tracker));

  std::set<std::string> rolled_back;
  db->exec("BEGIN");
  for (int v = 1; v <= 5; ++v) {
    const Envelope e = make_envelope("rolled-back", "Created", v, "{}");
    rolled_back.insert(e.event_id);
    ASSERT_FALSE(db->add(topic, e));
  }
  db->exec("ROLLBACK");
  for (int t = 0; t < 10; ++t) {  // ten business transactions of ten events each
    db->exec("BEGIN");
    for (int v = 1; v <= 10; ++v) {
      ASSERT_FALSE(db->add(topic, make_envelope("order-" + std::to_string(t), "Changed", v, "{}")));
    }
    db->exec("COMMIT");
  }

  const auto relay = db->relay(bus, fast_relay());
  ASSERT_TRUE(tracker.wait_for_distinct(100, 20s)) << tracker.distinct();
  ASSERT_TRUE(poll_until(10s, [&] { return db->count_in_state("published") == 100; }));
  EXPECT_FALSE(relay->close(5s));
  EXPECT_EQ(relay->stats().published, 100U);
  EXPECT_EQ(relay->stats().failed, 0U);
  EXPECT_EQ(tracker.distinct(), 100U);  // none of the rolled-back five
  EXPECT_EQ(tracker.duplicates(), 0U);
  EXPECT_EQ(tracker.order_violations(), 0U);
  EXPECT_EQ(db->integer("SELECT count(*) FROM eventbus_outbox WHERE published_at IS NULL"), 0);
}

TEST_P(OutboxRelay, OrderPerAggregateHoldsAcrossManyAggregates) {
  OrderTracker tracker;
  Bus bus(outbox_memory_bus());
  ASSERT_FALSE(track(bus, topic, tracker));
  outbox::RelayOptions options = fast_relay();
  options.batch_size = 64;  // many rounds, each holding back all but one row per aggregate
  const auto relay = db->relay(bus, options);

  // Committed while the relay runs, versions of 50 aggregates interleaved.
  constexpr int kAggregates = 50, kVersions = 20;
  for (int v = 1; v <= kVersions; ++v) {
    db->exec("BEGIN");
    for (int a = 0; a < kAggregates; ++a) {
      ASSERT_FALSE(db->add(topic, make_envelope("agg-" + std::to_string(a), "Changed", v, "{}")));
    }
    db->exec("COMMIT");
    relay->notify();
  }
  ASSERT_TRUE(tracker.wait_for_distinct(kAggregates * kVersions, 30s)) << tracker.distinct();
  EXPECT_FALSE(relay->close(5s));
  EXPECT_EQ(tracker.order_violations(), 0U);
  EXPECT_EQ(tracker.duplicates(), 0U);
  EXPECT_EQ(relay->stats().published, static_cast<std::uint64_t>(kAggregates * kVersions));
}

TEST_P(OutboxRelay, HeadersAndTenantReachTheMessage) {
  BusOptions options = outbox_memory_bus();
  Bus bus(options);
  Signal signal;
  std::string seen;
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message& m) {
                                        std::string headers;
                                        for (const Header& h : m.headers) {
                                          if (h.first == "X-Source") {
                                            headers += h.first + "=" + h.second + ";";
                                          }
                                        }
                                        signal.update([&] {
                                          seen = e.event_type + "|" + std::to_string(e.tenant_id) +
                                                 "|" + headers;
                                        });
                                        return HandlerResult::ok();
                                      })
                   .error());
  Envelope e = make_envelope("order-1", "Created", 1, "{}");
  e.tenant_id = 7;
  ASSERT_FALSE(db->add(topic, e, Headers{{"X-Source", "billing"}}));
  const auto relay = db->relay(bus, fast_relay());
  ASSERT_TRUE(signal.wait_for(10s, [&] { return !seen.empty(); }));
  EXPECT_EQ(seen, "Created|7|X-Source=billing;");
}

// A real refusal: the memory transport fails a message larger than memory.max_message_bytes in
// its completion, as a broker would. That row is retried with growing waits, goes dead after
// max_attempts with the transport's words, and holds back its aggregate's next event until then;
// another aggregate's event goes on meanwhile.
TEST_P(OutboxRelay, FailingPublishIsRetriedWithBackoffThenDead) {
  BusOptions bus_options = outbox_memory_bus();
  bus_options.memory.max_message_bytes = 1000;
  Bus bus(bus_options);
  OrderTracker tracker;
  std::atomic<std::uint64_t> dead_when_next_arrived{0};
  outbox::Relay* relay_ptr = nullptr;
  std::mutex relay_mutex;
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message&) {
                                        if (e.aggregate_id == "big" && e.event_version == 2) {
                                          std::lock_guard lock(relay_mutex);
                                          dead_when_next_arrived = relay_ptr->stats().dead;
                                        }
                                        tracker.record(e.aggregate_id, e.event_version, e.event_id);
                                        return HandlerResult::ok();
                                      })
                   .error());

  const Envelope big =
      make_envelope("big", "Created", 1, "\"" + std::string(2000, 'x') + "\"");  // too large
  ASSERT_FALSE(db->add(topic, big));
  ASSERT_FALSE(db->add(topic, make_envelope("big", "Changed", 2, "{}")));
  ASSERT_FALSE(db->add(topic, make_envelope("other", "Created", 1, "{}")));

  outbox::RelayOptions options = fast_relay();
  options.max_attempts = 4;
  options.initial_backoff = 40ms;
  options.max_backoff = 100ms;  // waits 40, 80, 100 ms between the four attempts
  std::mutex log_mutex;
  std::string logged;
  options.log = [&](const LogRecord& r) {
    std::lock_guard lock(log_mutex);
    logged += std::string(r.message) + "\n";
  };
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<outbox::Relay> relay;
  {
    std::lock_guard lock(relay_mutex);
    relay = db->relay(bus, options);
    relay_ptr = relay.get();
  }
  ASSERT_TRUE(poll_until(20s, [&] { return db->count_in_state("dead") == 1; }));
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, 40ms + 80ms + 100ms);
  ASSERT_TRUE(tracker.wait_for_distinct(2, 10s));  // big v2 and other v1

  EXPECT_EQ(db->integer("SELECT attempts FROM eventbus_outbox WHERE event_id = '" + big.event_id +
                        "' AND state = 'dead'"),
            4);
  const std::string last_error =
      db->text("SELECT last_error FROM eventbus_outbox WHERE event_id = '" + big.event_id + "'");
  EXPECT_NE(last_error.find("max_message_bytes"), std::string::npos) << last_error;
  EXPECT_EQ(dead_when_next_arrived.load(), 1U) << "big v2 was published before big v1 went dead";
  EXPECT_FALSE(relay->close(5s));
  const outbox::RelayStats stats = relay->stats();
  EXPECT_EQ(stats.failed, 4U);
  EXPECT_EQ(stats.dead, 1U);
  EXPECT_EQ(stats.published, 2U);
  EXPECT_EQ(relay->last_error().code, outbox::errc::row_dead);
  std::lock_guard lock(log_mutex);
  EXPECT_NE(logged.find("dead after 4 attempt(s)"), std::string::npos) << logged;
}

TEST_P(OutboxRelay, RowThatIsNotAnEnvelopeGoesDeadWithTheDecodeError) {
  OrderTracker tracker;
  Bus bus(outbox_memory_bus());
  ASSERT_FALSE(track(bus, topic, tracker));
  // Written by hand, as a bug or another writer could: not an envelope.
  db->exec(
      "INSERT INTO eventbus_outbox (topic, aggregate_id, event_id, payload, created_at) "
      "VALUES ('" +
      topic + "', 'agg', 'bad-1', 'not an envelope', 0)");
  ASSERT_FALSE(db->add(topic, make_envelope("agg", "Changed", 2, "{}")));
  const auto relay = db->relay(bus, fast_relay());
  ASSERT_TRUE(tracker.wait_for_distinct(1, 10s));  // the aggregate's next row is not stuck
  EXPECT_FALSE(relay->close(5s));
  EXPECT_EQ(db->text("SELECT state FROM eventbus_outbox WHERE event_id = 'bad-1'"), "dead");
  EXPECT_EQ(db->integer("SELECT attempts FROM eventbus_outbox WHERE event_id = 'bad-1'"), 1);
  const std::string error =
      db->text("SELECT last_error FROM eventbus_outbox WHERE event_id = 'bad-1'");
  EXPECT_NE(error.find("payload is not an envelope"), std::string::npos) << error;
  const DecodeResult decoded = decode("not an envelope");
  EXPECT_NE(error.find(decoded.error.detail), std::string::npos) << error;
  EXPECT_EQ(relay->stats().dead, 1U);
  EXPECT_EQ(relay->stats().failed, 0U);  // not a publish attempt
}

// A bus closed under the relay is not the rows' fault: no attempt is counted, nothing goes dead.
TEST_P(OutboxRelay, ClosedBusLeavesRowsPendingWithoutCountingAttempts) {
  Bus bus(outbox_memory_bus());
  ASSERT_FALSE(bus.close(5s).error);
  ASSERT_FALSE(db->add(topic, make_envelope("agg", "Created", 1, "{}")));
  outbox::RelayOptions options = fast_relay();
  options.max_attempts = 1;  // one counted failure would make it dead
  const auto relay = db->relay(bus, options);
  ASSERT_TRUE(poll_until(10s, [&] { return relay->stats().rounds >= 3; }));
  EXPECT_FALSE(relay->close(5s));
  EXPECT_EQ(db->count_in_state("pending"), 1);
  EXPECT_EQ(db->integer("SELECT attempts FROM eventbus_outbox"), 0);
  EXPECT_EQ(relay->stats().failed, 0U);
  EXPECT_EQ(relay->last_error().code, errc::closed);
}

TEST_P(OutboxRelay, CloseWithADeadlineJoinsTheThread) {
  Bus bus(outbox_memory_bus());
  warm_up_threads();
  const std::size_t before = process_thread_count();
  auto relay = db->relay(bus, fast_relay());
  EXPECT_EQ(thread_count_settling_at(before + 1), before + 1);
  ASSERT_FALSE(db->add(topic, make_envelope("agg", "Created", 1, "{}")));
  relay->notify();
  ASSERT_TRUE(poll_until(10s, [&] { return db->count_in_state("published") == 1; }));
  const auto started = std::chrono::steady_clock::now();
  EXPECT_FALSE(relay->close(2s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s + 500ms);
  EXPECT_EQ(thread_count_settling_at(before), before);
  EXPECT_FALSE(relay->close(2s));  // again: the first result, at once
  relay.reset();
  EXPECT_EQ(thread_count_settling_at(before), before);
}

TEST(OutboxRelayOptions, OutOfRangeOptionIsNamed) {
  TempDir dir;
  Bus bus(BusOptions{});
  outbox::RelayOptions options;
  options.max_backoff = options.initial_backoff / 2;
  try {
    outbox::SqliteRelay relay(dir.file("app.db"), bus, options);
    ADD_FAILURE() << "accepted max_backoff < initial_backoff";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), errc::invalid_option);
    EXPECT_NE(std::string(e.what()).find("max_backoff"), std::string::npos) << e.what();
  }
}

std::string database_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}
INSTANTIATE_TEST_SUITE_P(Sqlite, OutboxRelay, ::testing::Values("sqlite"), database_name);
#ifdef EVENTBUS_TEST_POSTGRES
INSTANTIATE_TEST_SUITE_P(Postgres, OutboxRelay, ::testing::Values("postgres"), database_name);
#endif

}  // namespace
}  // namespace eventbus::testing
