// SPDX-License-Identifier: Apache-2.0
// Every group gets each message; within a group one member handles it.
#include <atomic>
#include <set>

#include "conformance/conformance.hpp"
#include "support/order_tracker.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

void publish_all(Bus& bus, const std::string& topic, int aggregates, int versions,
                 const std::string& prefix = "agg-") {
  for (int v = 1; v <= versions; ++v) {
    for (int a = 0; a < aggregates; ++a) {
      ASSERT_FALSE(bus.publish_envelope(topic, test_envelope(prefix + std::to_string(a), v)));
    }
  }
}

TEST_P(Conformance, TwoGroupsEachReceiveEveryMessage) {
  if (!features.consumer_groups) GTEST_SKIP() << GetParam().name << " has no consumer groups";
  const std::string topic = unique_name("conf", "t");
  OrderTracker group_a, group_b;
  auto bus_a = make_bus([&](BusOptions& o) { o.group = group + "-a"; });
  auto bus_b = make_bus([&](BusOptions& o) { o.group = group + "-b"; });
  for (auto [bus, tracker] : {std::pair{bus_a.get(), &group_a}, std::pair{bus_b.get(), &group_b}}) {
    ASSERT_FALSE(bus->subscribe_envelope(topic,
                                         [tracker](const Envelope& e, const Message&) {
                                           tracker->record(e.aggregate_id, e.event_version,
                                                           e.event_id);
                                           return HandlerResult::ok();
                                         })
                     .error());
  }
  auto publisher = make_bus();
  publish_all(*publisher, topic, 20, 10);
  ASSERT_TRUE(group_a.wait_for_distinct(200, 30s)) << group_a.distinct();
  ASSERT_TRUE(group_b.wait_for_distinct(200, 30s)) << group_b.distinct();
  EXPECT_EQ(group_a.duplicates(), 0u);
  EXPECT_EQ(group_b.duplicates(), 0u);
  EXPECT_EQ(group_a.order_violations(), 0u);
  EXPECT_EQ(group_b.order_violations(), 0u);
}

TEST_P(Conformance, TwoMembersOfOneGroupSplitTheWork) {
  if (!features.consumer_groups) GTEST_SKIP() << GetParam().name << " has no consumer groups";
  const std::string topic = unique_name("conf", "t");
  OrderTracker together;
  std::atomic<int> handled_by[2] = {0, 0};
  std::unique_ptr<Bus> members[2] = {make_bus(), make_bus()};
  for (int i = 0; i < 2; ++i) {
    ASSERT_FALSE(members[i]
                     ->subscribe_envelope(topic,
                                          [&, i](const Envelope& e, const Message&) {
                                            handled_by[i].fetch_add(1);
                                            together.record(e.aggregate_id, e.event_version,
                                                            e.event_id);
                                            return HandlerResult::ok();
                                          })
                     .error());
  }
  // A member may join the group a moment after the other (a Kafka rebalance takes a while), so
  // publish in rounds until both have taken part, each round fully handled before the next.
  auto publisher = make_bus();
  std::size_t published = 0;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  for (int round = 0; handled_by[0] == 0 || handled_by[1] == 0; ++round) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "one member never took part";
    publish_all(*publisher, topic, 20, 10, "r" + std::to_string(round) + "-");
    published += 200;
    ASSERT_TRUE(together.wait_for_distinct(published, 60s)) << together.distinct();
  }
  // Let any stray duplicate show up before counting: close both members (drains their lanes).
  for (auto& member : members)
    member->close(10s);
  EXPECT_EQ(together.duplicates(), 0u) << "no message twice without a failure";
  EXPECT_EQ(together.handled(), published);
  if (features.group_members_keep_key_order) {
    EXPECT_EQ(together.order_violations(), 0u);
  }
}

}  // namespace
}  // namespace eventbus::testing
