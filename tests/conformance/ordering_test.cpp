// SPDX-License-Identifier: Apache-2.0
// Per-aggregate order under load: many aggregates, several publishing threads, several lanes.
#include <atomic>
#include <thread>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/order_tracker.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kAggregates = 1000;
constexpr int kVersions = 10;
constexpr int kPublishers = 8;

TEST_P(Conformance, PerAggregateOrderHoldsUnderLoad) {
  if (!features.ordered_per_key) GTEST_SKIP() << GetParam().name << " does not order per key";
  const std::string topic = unique_name("conf", "t");
  OrderTracker tracker;
  std::atomic<int> acked{0}, failed{0};
  auto bus = make_bus([](BusOptions& o) {
    o.dispatch.lanes = 8;
    o.dispatch.workers = 8;
  });
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope& e, const Message&) {
                                         tracker.record(e.aggregate_id, e.event_version,
                                                        e.event_id);
                                         return HandlerResult::ok();
                                       })
                   .error());
  std::vector<std::thread> publishers;
  for (int p = 0; p < kPublishers; ++p) {
    // Each aggregate belongs to one thread, which publishes its versions in order.
    publishers.emplace_back([&, p] {
      for (int v = 1; v <= kVersions; ++v) {
        for (int a = p; a < kAggregates; a += kPublishers) {
          bus->publish_envelope(topic, test_envelope("order-" + std::to_string(a), v),
                                [&](const PublishResult& r) { (r.error ? failed : acked)++; });
        }
      }
    });
  }
  for (auto& t : publishers)
    t.join();
  constexpr std::size_t kTotal = kAggregates * kVersions;
  ASSERT_TRUE(tracker.wait_for_distinct(kTotal, 120s))
      << tracker.distinct() << " of " << kTotal << " handled; publishes acked " << acked
      << ", failed " << failed;
  EXPECT_FALSE(bus->close(20s).error);
  EXPECT_EQ(acked.load(), static_cast<int>(kTotal));
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(tracker.order_violations(), 0u);
  EXPECT_EQ(tracker.duplicates(), 0u);
  EXPECT_EQ(tracker.distinct(), kTotal) << "nothing lost";
}

}  // namespace
}  // namespace eventbus::testing
