// SPDX-License-Identifier: Apache-2.0
// The outbox and the inbox through crashes, on a broker of the test's own (NATS and Kafka):
//  - the broker killed (SIGKILL) and restarted three times while a relay publishes what a
//    writer keeps committing: every committed event is published, none lost;
//  - the publishing process (outbox_relay_child) killed with SIGKILL mid-run, twice, and
//    started again: every committed event is published; what the killed relay had published
//    but not yet marked is published again (at-least-once);
// and in both, a consumer whose handler writes through an SqliteInbox: its side-effect table
// holds each event exactly once (0 duplicates, 0 lost), each aggregate's events in order,
// whatever the broker redelivered. The counts are printed.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>

#include "eventbus/eventbus.hpp"
#include "fault/fault_bus.hpp"
#include "outbox/outbox_test.hpp"
#include "support/child_process.hpp"
#include "support/wait.hpp"

#ifndef EVENTBUS_OUTBOX_RELAY_CHILD
#error "EVENTBUS_OUTBOX_RELAY_CHILD must name the outbox_relay_child program"
#endif

namespace eventbus::testing {
namespace {

constexpr int kAggregates = 40;

// The consuming service: its own database, a side-effect row per event through the inbox.
class Consumer {
 public:
  Consumer(BrokerKind kind, const std::string& address, const std::string& topic,
           const std::string& path)
      : db_(path) {
    db_.exec(
        "CREATE TABLE side_effects (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, "
        "aggregate_id TEXT NOT NULL, version INTEGER NOT NULL)");
    outbox::InboxOptions options;
    options.group = "consumer";
    options.lease = 30s;
    inbox_ = std::make_unique<outbox::SqliteInbox>(path, options);
    BusOptions bus_options = fault_bus_options(kind, address);
    bus_options.log.level = LogLevel::error;
    bus_options.group = unique_name("fault", "consumer");
    bus_ = std::make_unique<Bus>(bus_options);
    const auto handle = [](const Envelope& e, const Message&, sqlite3* tx) {
      sqlite3_stmt* stmt = nullptr;
      sqlite3_prepare_v2(tx,
                         "INSERT INTO side_effects (event_id, aggregate_id, version) "
                         "VALUES (?1, ?2, ?3)",
                         -1, &stmt, nullptr);
      sqlite3_bind_text(stmt, 1, e.event_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(stmt, 2, e.aggregate_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(stmt, 3, e.event_version);
      const int rc = sqlite3_step(stmt);
      sqlite3_finalize(stmt);
      return rc == SQLITE_DONE ? HandlerResult::ok() : HandlerResult::fail(sqlite3_errmsg(tx));
    };
    if (bus_->subscribe_envelope(topic, inbox_->wrap(handle)).error()) {
      throw std::runtime_error("consumer: subscribe failed");
    }
  }
  ~Consumer() { bus_->close(20s); }

  std::int64_t handled() const { return db_.integer("SELECT count(*) FROM side_effects"); }
  std::int64_t distinct() const {
    return db_.integer("SELECT count(DISTINCT event_id) FROM side_effects");
  }
  // Versions of an aggregate handled out of order (by the order they were written).
  std::int64_t order_violations() const {
    return db_.integer(
        "SELECT count(*) FROM side_effects a JOIN side_effects b ON a.aggregate_id = "
        "b.aggregate_id AND a.seq < b.seq AND a.version > b.version");
  }
  outbox::InboxStats stats() const { return inbox_->stats(); }

 private:
  AppDatabase db_;
  std::unique_ptr<outbox::SqliteInbox> inbox_;
  std::unique_ptr<Bus> bus_;
};

// Commits events (10 per transaction, round-robin over the aggregates) while told to, keeping
// at most `ahead` of them unpublished so the relay always has work when a crash comes.
class Writer {
 public:
  Writer(const std::string& path, const std::string& topic, AppDatabase& watch)
      : thread_([this, path, topic, &watch] {
          AppDatabase db(path);
          std::map<int, int> versions;
          while (!stop_) {
            if (!poll_until(60s, [&] { return stop_ || watch.count_in_state("pending") < 200; })) {
              return;
            }
            db.exec("BEGIN");
            for (int i = 0; i < 10; ++i) {
              const int a = static_cast<int>(written_ % kAggregates);
              outbox::add(
                  db.get(), topic,
                  make_envelope("agg-" + std::to_string(a), "Changed", ++versions[a], "{}"));
              ++written_;
            }
            db.exec("COMMIT");
          }
        }) {}
  ~Writer() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::int64_t written() const { return written_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> written_{0};
  std::thread thread_;
};

class OutboxFault : public ::testing::TestWithParam<BrokerKind> {
 protected:
  void SetUp() override { ASSERT_FALSE(outbox::migrate(db.get())); }
  void report(const char* what, std::int64_t written, const Consumer& consumer) const {
    const outbox::InboxStats stats = consumer.stats();
    std::printf(
        "%s (%s): %lld events committed and published; the consumer handled %lld (%lld "
        "distinct); the inbox skipped %llu redeliveries, refused %llu while claimed\n",
        what, PrintToString(GetParam()).c_str(), static_cast<long long>(written),
        static_cast<long long>(consumer.handled()), static_cast<long long>(consumer.distinct()),
        static_cast<unsigned long long>(stats.duplicates),
        static_cast<unsigned long long>(stats.busy));
  }

  TempDir dir;
  std::string path = dir.file("app.db");
  AppDatabase db{path};
  std::string topic = unique_name("fault", "orders");
};

TEST_P(OutboxFault, BrokerKilledThreeTimesLosesNothingAndTheInboxHandlesEachOnce) {
  BrokerProcess broker(GetParam());
  Consumer consumer(GetParam(), broker.address(), topic, dir.file("consumer.db"));
  BusOptions relay_bus_options = fault_bus_options(GetParam(), broker.address());
  relay_bus_options.log.level = LogLevel::error;
  Bus relay_bus(relay_bus_options);
  outbox::RelayOptions options;
  options.batch_size = 50;
  options.poll_interval = 20ms;
  options.max_attempts = 1000;  // an outage must not make rows dead
  options.initial_backoff = 100ms;
  options.max_backoff = 1s;
  outbox::SqliteRelay relay(path, relay_bus, options);
  Writer writer(path, topic, db);

  for (int kill = 1; kill <= 3; ++kill) {  // each after more was handled: mid-run, not timed
    ASSERT_TRUE(poll_until(180s, [&] { return consumer.distinct() >= kill * 400; }))
        << consumer.distinct() << " handled before kill " << kill;
    broker.kill9();
    std::this_thread::sleep_for(1s);  // the outage itself
    broker.restart();
  }
  ASSERT_TRUE(poll_until(180s, [&] { return consumer.distinct() >= 1400; }));
  writer.stop();
  const std::int64_t written = writer.written();
  ASSERT_TRUE(poll_until(180s, [&] { return db.count_in_state("published") == written; }))
      << db.count_in_state("published") << " of " << written << " published";
  ASSERT_TRUE(poll_until(180s, [&] { return consumer.distinct() == written; }))
      << consumer.distinct() << " of " << written << " handled: lost";
  EXPECT_FALSE(relay.close(10s));
  report("broker killed 3 times", written, consumer);
  EXPECT_EQ(consumer.handled(), written);  // each side effect once
  EXPECT_EQ(consumer.order_violations(), 0);
  EXPECT_EQ(db.count_in_state("dead"), 0);
}

TEST_P(OutboxFault, PublishingProcessKilledMidRunLosesNothing) {
  BrokerProcess broker(GetParam());
  Consumer consumer(GetParam(), broker.address(), topic, dir.file("consumer.db"));
  constexpr int kVersions = 50;
  for (int v = 1; v <= kVersions; ++v) {
    db.exec("BEGIN");
    for (int a = 0; a < kAggregates; ++a) {
      ASSERT_FALSE(outbox::add(db.get(), topic,
                               make_envelope("agg-" + std::to_string(a), "Changed", v, "{}")));
    }
    db.exec("COMMIT");
  }
  constexpr std::int64_t kEvents = kAggregates * kVersions;
  const std::vector<std::string> args{path, PrintToString(GetParam()), broker.address()};
  for (int kill = 1; kill <= 2; ++kill) {
    ChildProcess relay(EVENTBUS_OUTBOX_RELAY_CHILD, args);
    ASSERT_TRUE(poll_until(
        120s, [&] { return consumer.distinct() >= kill * kEvents / 3 || !relay.running(); }));
    ASSERT_TRUE(relay.running()) << "the relay exited with status " << relay.exit_status();
    relay.kill9();  // mid-round: published rows not yet marked stay pending
  }
  ChildProcess relay(EVENTBUS_OUTBOX_RELAY_CHILD, args);
  ASSERT_TRUE(poll_until(180s, [&] { return db.count_in_state("published") == kEvents; }))
      << db.count_in_state("published") << " of " << kEvents << " published";
  ASSERT_TRUE(poll_until(180s, [&] { return consumer.distinct() == kEvents; }))
      << consumer.distinct() << " of " << kEvents << " handled: lost";
  report("publishing process killed twice", kEvents, consumer);
  EXPECT_EQ(consumer.handled(), kEvents);
  EXPECT_EQ(consumer.order_violations(), 0);
}

INSTANTIATE_TEST_SUITE_P(, OutboxFault, ::testing::ValuesIn(built_brokers()),
                         [](const auto& info) { return PrintToString(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(OutboxFault);

}  // namespace
}  // namespace eventbus::testing
