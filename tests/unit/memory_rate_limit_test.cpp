// SPDX-License-Identifier: Apache-2.0
// Rate limits on a bus over the in-process transport, for what the conformance suite does not
// time on brokers: close() ends a publisher's wait for a token, dead letters and retries take
// no token, the whole bus's handling limit spaces deliveries, and the counters.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "eventbus/eventbus.hpp"
#include "support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using eventbus::Bus;
using eventbus::BusOptions;
using eventbus::errc;
using eventbus::HandlerResult;
using eventbus::Message;
using eventbus::PublishResult;
using eventbus::RateLimit;
using eventbus::testing::poll_until;
using eventbus::testing::Signal;
using Clock = std::chrono::steady_clock;

BusOptions memory_bus(const char* broker) {
  BusOptions options;
  options.transport = "memory";
  options.memory.broker = broker;
  return options;
}

TEST(MemoryRateLimit, FailFastBeyondTheBurstIsRefusedOnTheCallersThread) {
  BusOptions options = memory_bus("rate-fail-fast");
  options.publish.rate_limit = RateLimit{0.001, 2};  // 2 now, the next in 1000 s
  options.publish.on_full = eventbus::OverflowPolicy::fail_fast;
  Bus bus(options);
  EXPECT_FALSE(bus.publish("rl.a", "1"));
  EXPECT_FALSE(bus.publish("rl.b", "2")) << "one bucket for the whole bus, any topic";
  int fired = 0;
  const auto caller = std::this_thread::get_id();
  const std::error_code ec = bus.publish("rl.a", "3", [&](const PublishResult& r) {
    ++fired;
    EXPECT_EQ(r.error, errc::rate_limited);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    EXPECT_NE(r.detail.find("publish.rate_limit (0.001/s, burst 2)"), std::string_view::npos)
        << r.detail;
  });
  EXPECT_EQ(ec, errc::rate_limited);
  EXPECT_EQ(fired, 1);
  eventbus::PublishCall blocking;
  blocking.block_timeout = 100ms;  // the token comes in 1000 s: refused now, not in 100 ms
  const auto start = Clock::now();
  EXPECT_EQ(bus.publish("rl.a", "4", {}, blocking), errc::rate_limited);
  EXPECT_LT(Clock::now() - start, 90ms);
  EXPECT_EQ(bus.stats().rate_limited, 2u);
  EXPECT_EQ(bus.stats().rejected, 2u);
  EXPECT_EQ(bus.stats().published, 2u);
}

TEST(MemoryRateLimit, ATopicLimitNamesItsTopic) {
  BusOptions options = memory_bus("rate-topic");
  options.topics["rl.slow"].publish_rate_limit = RateLimit{0.001, 1};
  Bus bus(options);
  EXPECT_FALSE(bus.publish("rl.slow", "1"));
  std::string detail;
  eventbus::PublishCall call;
  call.on_full = eventbus::OverflowPolicy::fail_fast;
  EXPECT_EQ(bus.publish(
                "rl.slow", "2", [&](const PublishResult& r) { detail = r.detail; }, call),
            errc::rate_limited);
  EXPECT_NE(detail.find("publish_rate_limit of topic rl.slow"), std::string::npos) << detail;
  for (int i = 0; i < 20; ++i)
    EXPECT_FALSE(bus.publish("rl.other", "x", {}, call)) << "other topics are not limited";
}

TEST(MemoryRateLimit, CloseEndsAPublishersWaitForAToken) {
  BusOptions options = memory_bus("rate-close");
  options.publish.rate_limit = RateLimit{0.01, 1};  // the second token comes in 100 s
  options.publish.block_timeout = 10min;
  Bus bus(options);
  ASSERT_FALSE(bus.publish("rl.c", "first"));
  std::error_code waited_for;
  std::thread publisher([&] { waited_for = bus.publish("rl.c", "second"); });
  ASSERT_TRUE(poll_until(10s, [&] { return bus.stats().throttled == 1; }))
      << "it waits for a token";
  const auto start = Clock::now();
  bus.close(5s);
  publisher.join();
  EXPECT_EQ(waited_for, errc::closed);
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(bus.stats().rate_limited, 0u) << "closed, not rate-limited";
}

TEST(MemoryRateLimit, DeadLettersAndRetriesTakeNoToken) {
  BusOptions options = memory_bus("rate-dlq");
  options.publish.rate_limit = RateLimit{0.001, 1};
  options.dispatch.rate_limit = RateLimit{0.001, 2};  // two deliveries, then one in 1000 s
  options.dispatch.retry.max_attempts = 3;
  options.dispatch.retry.initial_backoff = 1ms;
  Signal signal;  // before the bus: its handlers use it until the bus is gone
  std::vector<std::uint32_t> attempts;
  int dead_letters = 0;
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe("rl.d",
                             [&](const Message& m) {
                               signal.update([&] { attempts.push_back(m.attempt); });
                               return HandlerResult::fail("always");
                             })
                   .error());
  ASSERT_FALSE(bus.subscribe("rl.d.dlq",
                             [&](const Message&) {
                               signal.update([&] { ++dead_letters; });
                               return HandlerResult::ok();
                             })
                   .error());
  ASSERT_FALSE(bus.publish("rl.d", "poison"));  // the only publish token
  ASSERT_TRUE(signal.wait_for(10s, [&] { return dead_letters == 1; }))
      << "the dead letter was published without a token and delivered with the second one";
  std::lock_guard lock(signal.mutex());
  EXPECT_EQ(attempts, (std::vector<std::uint32_t>{1, 2, 3})) << "retries took no token";
}

TEST(MemoryRateLimit, TheBusHandlingLimitSpacesDeliveriesAndKeepsOrder) {
  BusOptions options = memory_bus("rate-handle");
  options.dispatch.rate_limit = RateLimit{100, 5};
  Signal signal;  // before the bus: its handlers use it until the bus is gone
  std::vector<Clock::time_point> starts;
  std::vector<std::int64_t> versions;
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope("rl.h",
                                      [&](const eventbus::Envelope& e, const Message&) {
                                        signal.update([&] {
                                          starts.push_back(Clock::now());
                                          versions.push_back(e.event_version);
                                        });
                                        return HandlerResult::ok();
                                      })
                   .error());
  constexpr int kMessages = 30;
  for (int i = 0; i < kMessages; ++i) {
    // One aggregate: one lane, in order.
    ASSERT_FALSE(bus.publish_envelope("rl.h", eventbus::make_envelope("agg-1", "T", i + 1, "{}")));
  }
  ASSERT_TRUE(signal.wait_for(10s, [&] { return versions.size() == kMessages; }));
  std::lock_guard lock(signal.mutex());
  for (int i = 0; i < kMessages; ++i)
    EXPECT_EQ(versions[static_cast<std::size_t>(i)], i + 1);
  // 5 at once, then one per 10 ms: 25 more take at least 250 ms.
  EXPECT_GE(starts.back() - starts.front(), 200ms);
  EXPECT_GE(bus.stats().throttled, 1u);
}

}  // namespace
