// SPDX-License-Identifier: Apache-2.0
// Rate limits against the broker: publishes beyond the burst wait for their tokens (a lower
// bound no correct limiter can beat) or fail fast with rate_limited; deliveries beyond the
// handling burst wait for theirs and keep their order.
#include <chrono>
#include <string>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/order_tracker.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kMessages = 60;
constexpr RateLimit kHundredPerSecond{100, 10};  // 10 at once, then one every 10 ms
// 50 tokens after the burst at 100/s take 500 ms; 50 ms of slack for the clock's reading.
constexpr auto kAtLeast = 450ms;

// Aggregate i % 3, its versions counting up in publish order.
Envelope nth_envelope(int i) {
  return test_envelope("rate-" + std::to_string(i % 3), i / 3 + 1);
}

TEST_P(Conformance, PublishRateLimitHoldsPublishesBackOrRefusesThem) {
  const std::string timed = unique_name("conf", "timed");
  const std::string strict = unique_name("conf", "strict");
  Signal signal;  // before the bus: its completions use it until the bus is gone
  int acked = 0, failed = 0;
  const Completion count = [&](const PublishResult& r) {
    signal.update([&] { (r.error ? failed : acked)++; });
  };
  auto bus = make_bus([&](BusOptions& o) {
    o.publish.rate_limit = kHundredPerSecond;
    o.topics[strict].publish_rate_limit = RateLimit{0.001, 3};  // 3, then one in 1000 s
  });

  PublishCall fail_fast;
  fail_fast.on_full = OverflowPolicy::fail_fast;
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(bus->publish_envelope(strict, nth_envelope(i), count, fail_fast)) << i;
  int refusals = 0;
  std::error_code seen;
  EXPECT_EQ(bus->publish_envelope(
                strict, nth_envelope(3),
                [&](const PublishResult& r) {
                  ++refusals;
                  seen = r.error;
                },
                fail_fast),
            errc::rate_limited);
  EXPECT_EQ(refusals, 1) << "fired on the caller's thread before publish returned";
  EXPECT_EQ(seen, errc::rate_limited);
  EXPECT_TRUE(seen == error_class::retriable);

  const auto start = Clock::now();
  for (int i = 0; i < kMessages; ++i)
    ASSERT_FALSE(bus->publish_envelope(timed, nth_envelope(i), count)) << i;
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, kAtLeast);
  ASSERT_TRUE(signal.wait_for(30s, [&] { return acked + failed == kMessages + 3; }));
  EXPECT_EQ(failed, 0);
  const Stats stats = bus->stats();
  EXPECT_EQ(stats.rate_limited, 1u);
  EXPECT_GE(stats.throttled, 1u);
  EXPECT_EQ(stats.acked, static_cast<std::uint64_t>(kMessages + 3));
  EXPECT_FALSE(bus->close(10s).error);
}

TEST_P(Conformance, HandleRateLimitSpacesHandlersAndKeepsOrder) {
  const std::string topic = unique_name("conf", "t");
  OrderTracker tracker;
  Signal signal;
  std::vector<Clock::time_point> starts;
  auto bus =
      make_bus([&](BusOptions& o) { o.topics[topic].handle_rate_limit = kHundredPerSecond; });
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope& e, const Message&) {
                                         signal.update([&] { starts.push_back(Clock::now()); });
                                         tracker.record(e.aggregate_id, e.event_version,
                                                        e.event_id);
                                         return HandlerResult::ok();
                                       })
                   .error());
  for (int i = 0; i < kMessages; ++i)
    ASSERT_FALSE(bus->publish_envelope(topic, nth_envelope(i)));
  ASSERT_TRUE(tracker.wait_for_distinct(kMessages, 60s)) << tracker.distinct();
  EXPECT_FALSE(bus->close(10s).error);
  std::lock_guard lock(signal.mutex());
  ASSERT_GE(starts.size(), static_cast<std::size_t>(kMessages));
  EXPECT_GE(starts.back() - starts.front(), kAtLeast);
  EXPECT_EQ(tracker.order_violations(), 0u);
  EXPECT_EQ(tracker.duplicates(), 0u);
  EXPECT_GE(bus->stats().throttled, 1u);
}

}  // namespace
}  // namespace eventbus::testing
