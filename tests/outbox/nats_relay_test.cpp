// SPDX-License-Identifier: Apache-2.0
// The relay against the real NATS server of the CTest fixture: every committed row reaches
// JetStream once, each aggregate's events in order, and the rows are marked published.
#include <chrono>
#include <string>

#include "eventbus/eventbus.hpp"
#include "nats/nats_test.hpp"
#include "outbox/outbox_test.hpp"
#include "outbox/relay_support.hpp"
#include "support/order_tracker.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST(OutboxNats, CommittedRowsReachJetStreamInOrderPerAggregate) {
  TempDir dir;
  const std::string path = dir.file("app.db");
  AppDatabase db(path);
  ASSERT_FALSE(outbox::migrate(db.get()));
  const std::string topic = unique_name("outbox", "orders");

  OrderTracker tracker;
  Bus bus(nats_bus_options(shared_nats_url()));
  ASSERT_FALSE(track(bus, topic, tracker));

  constexpr int kAggregates = 20, kVersions = 10;
  db.exec("BEGIN");
  ASSERT_FALSE(outbox::add(db.get(), topic, make_envelope("rolled-back", "Created", 1, "{}")));
  db.exec("ROLLBACK");
  for (int v = 1; v <= kVersions; ++v) {
    db.exec("BEGIN");
    for (int a = 0; a < kAggregates; ++a) {
      ASSERT_FALSE(outbox::add(db.get(), topic,
                               make_envelope("agg-" + std::to_string(a), "Changed", v, "{}")));
    }
    db.exec("COMMIT");
  }
  outbox::RelayOptions options;
  options.poll_interval = 20ms;
  options.batch_size = 50;
  outbox::SqliteRelay relay(path, bus, options);

  ASSERT_TRUE(tracker.wait_for_distinct(kAggregates * kVersions, 60s)) << tracker.distinct();
  ASSERT_TRUE(
      poll_until(10s, [&] { return db.count_in_state("published") == kAggregates * kVersions; }));
  EXPECT_FALSE(relay.close(5s));
  EXPECT_EQ(tracker.distinct(), static_cast<std::size_t>(kAggregates * kVersions));
  EXPECT_EQ(tracker.order_violations(), 0U);
  EXPECT_EQ(relay.stats().failed, 0U);
  EXPECT_FALSE(bus.close(10s).error);
}

}  // namespace
}  // namespace eventbus::testing
