// SPDX-License-Identifier: Apache-2.0
// TokenBucket with a fake clock: starts full, refills at the rate up to the burst, hands out
// reservations in arrival order, refuses (taking nothing) what would come too late, holds its
// count under concurrent takers. StopSignal ends a sleep at once. RateGate takes a token from
// both of its buckets or from neither.
#include "core/rate_limit/token_bucket.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "core/rate_limit/rate_gate.hpp"
#include "core/stop_signal.hpp"
#include "support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using eventbus::RateLimit;
using eventbus::core::RateGate;
using eventbus::core::StopSignal;
using eventbus::core::TokenBucket;
using Clock = TokenBucket::Clock;

// Time that moves only when the test says so.
struct FakeClock {
  Clock::time_point now{std::chrono::hours(1000)};
  TokenBucket::Now function() {
    return [this] { return now; };
  }
};

// `at` is `expected` within a microsecond (the wait is computed in floating point).
::testing::AssertionResult comes_at(std::optional<Clock::time_point> at,
                                    Clock::time_point expected) {
  if (!at) return ::testing::AssertionFailure() << "refused";
  const auto off = *at > expected ? *at - expected : expected - *at;
  if (off > 1us) return ::testing::AssertionFailure() << "off by " << off.count() << " ns";
  return ::testing::AssertionSuccess();
}

TEST(TokenBucket, StartsFullAndHandsOutTheBurstAtOnce) {
  FakeClock clock;
  TokenBucket bucket(RateLimit{100, 10}, clock.function());
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(bucket.try_take()) << i;
  EXPECT_FALSE(bucket.try_take());
  EXPECT_FALSE(bucket.try_take()) << "a refusal takes nothing, and time stood still";
}

TEST(TokenBucket, RefillsAtTheRateUpToTheBurst) {
  FakeClock clock;
  TokenBucket bucket(RateLimit{100, 10}, clock.function());
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(bucket.try_take());
  clock.now += 50ms;  // 5 tokens at 100/s
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(bucket.try_take()) << i;
  EXPECT_FALSE(bucket.try_take());
  clock.now += 9ms;  // 0.9 of a token is not a token
  EXPECT_FALSE(bucket.try_take());
  clock.now += 1ms;
  EXPECT_TRUE(bucket.try_take());
  clock.now += 1h;
  EXPECT_DOUBLE_EQ(bucket.tokens(), 10.0) << "a long pause refills to the burst, not beyond";
}

TEST(TokenBucket, DefaultBurstIsTheRateRoundedDownAndAtLeastOne) {
  EXPECT_EQ((RateLimit{100, 0}.capacity()), 100u);
  EXPECT_EQ((RateLimit{2.9, 0}.capacity()), 2u);
  EXPECT_EQ((RateLimit{0.5, 0}.capacity()), 1u);
  EXPECT_EQ((RateLimit{5, 3}.capacity()), 3u);
  EXPECT_FALSE(RateLimit{}.limited());
  EXPECT_TRUE((RateLimit{0.5, 0}.limited()));
  FakeClock clock;
  TokenBucket slow(RateLimit{0.5, 0}, clock.function());
  EXPECT_TRUE(slow.try_take());
  EXPECT_FALSE(slow.try_take());
  clock.now += 2s;
  EXPECT_TRUE(slow.try_take());
}

TEST(TokenBucket, ReservationsQueueInArrivalOrderAndTooLateTakesNothing) {
  FakeClock clock;
  const Clock::time_point start = clock.now;
  TokenBucket bucket(RateLimit{10, 1}, clock.function());  // a token every 100 ms
  EXPECT_EQ(bucket.reserve(0s), start) << "a token there now comes now";
  EXPECT_TRUE(comes_at(bucket.reserve(1s), start + 100ms));
  EXPECT_TRUE(comes_at(bucket.reserve(1s), start + 200ms)) << "queued behind the first";
  EXPECT_EQ(bucket.reserve(299ms), std::nullopt) << "its token comes at 300 ms";
  EXPECT_EQ(bucket.reserve(0s), std::nullopt);
  EXPECT_DOUBLE_EQ(bucket.tokens(), -2.0) << "refusals took nothing: two reservations wait";
  EXPECT_TRUE(comes_at(bucket.reserve(301ms), start + 300ms));
  clock.now += 300ms;  // every reservation made so far has come
  EXPECT_NEAR(bucket.tokens(), 0.0, 1e-9);
  EXPECT_FALSE(bucket.try_take());
}

TEST(TokenBucket, GiveBackReturnsATokenButNeverAboveTheBurst) {
  FakeClock clock;
  TokenBucket bucket(RateLimit{1, 2}, clock.function());
  ASSERT_TRUE(bucket.try_take());
  ASSERT_TRUE(bucket.try_take());
  ASSERT_FALSE(bucket.try_take());
  bucket.give_back();
  EXPECT_TRUE(bucket.try_take());
  bucket.give_back();
  bucket.give_back();
  bucket.give_back();
  EXPECT_DOUBLE_EQ(bucket.tokens(), 2.0);
}

TEST(TokenBucket, TinyRateNeitherOverflowsNorWaitsForever) {
  FakeClock clock;
  TokenBucket bucket(RateLimit{1e-12, 1}, clock.function());
  ASSERT_TRUE(bucket.try_take());
  EXPECT_EQ(bucket.reserve(std::chrono::hours(24 * 365)), std::nullopt);
  const auto at = bucket.reserve(Clock::duration::max());
  ASSERT_TRUE(at.has_value());
  EXPECT_GT(*at, clock.now);
}

TEST(TokenBucket, ConcurrentTakersGetExactlyTheBurstWhileTimeStandsStill) {
  FakeClock clock;  // only read while the threads run
  TokenBucket bucket(RateLimit{1, 500}, clock.function());
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (bucket.try_take()) taken.fetch_add(1);
        if (bucket.reserve(0s)) taken.fetch_add(1);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(taken.load(), 500);
}

TEST(StopSignal, SleepsUntilItsTimeOrTheStopWhicheverComesFirst) {
  StopSignal signal;
  EXPECT_TRUE(signal.sleep_until(Clock::now() - 1s)) << "a time passed returns at once";
  const auto start = Clock::now();
  EXPECT_TRUE(signal.sleep_until(start + 20ms));
  EXPECT_GE(Clock::now() - start, 20ms);

  std::atomic<bool> reached{true};
  std::thread sleeper([&] { reached = signal.sleep_until(Clock::now() + 1h); });
  signal.stop();  // before or during the sleep: either way it ends at once
  sleeper.join();
  EXPECT_FALSE(reached.load());
  EXPECT_TRUE(signal.stopped());
  EXPECT_FALSE(signal.sleep_until(Clock::now() + 1h)) << "after stop, no sleep at all";
  EXPECT_FALSE(signal.sleep_until(Clock::now() - 1s));
  EXPECT_LT(Clock::now() - start, 10s);
}

TEST(RateGate, NoBucketMeansNoLimit) {
  RateGate gate;
  StopSignal stop;
  std::atomic<std::uint64_t> waits{0};
  EXPECT_FALSE(gate.limited());
  EXPECT_TRUE(gate.try_pass());
  EXPECT_EQ(gate.pass(Clock::time_point::min(), stop, waits), RateGate::Outcome::passed);
}

TEST(RateGate, TakesFromBothBucketsOrFromNeither) {
  FakeClock clock;
  TokenBucket bus(RateLimit{1, 5}, clock.function());
  TokenBucket topic(RateLimit{1, 1}, clock.function());
  RateGate gate(&bus, &topic);
  StopSignal stop;
  std::atomic<std::uint64_t> waits{0};
  EXPECT_TRUE(gate.limited());
  EXPECT_TRUE(gate.try_pass());
  EXPECT_FALSE(gate.try_pass()) << "the topic's burst of 1 is used up";
  EXPECT_DOUBLE_EQ(bus.tokens(), 4.0) << "the bus's token went back";
  EXPECT_EQ(gate.pass(Clock::time_point::min(), stop, waits), RateGate::Outcome::refused_by_topic);
  EXPECT_DOUBLE_EQ(bus.tokens(), 4.0);
  gate.give_back();
  EXPECT_DOUBLE_EQ(bus.tokens(), 5.0);
  EXPECT_DOUBLE_EQ(topic.tokens(), 1.0);
  TokenBucket empty_bus(RateLimit{1, 1}, clock.function());
  ASSERT_TRUE(empty_bus.try_take());
  RateGate starved(&empty_bus, &topic);
  EXPECT_EQ(starved.pass(Clock::time_point::min(), stop, waits), RateGate::Outcome::refused_by_bus);
  EXPECT_DOUBLE_EQ(topic.tokens(), 1.0) << "nothing taken from the topic";
  EXPECT_EQ(waits.load(), 0u);
}

TEST(RateGate, WaitsForATokenThatComesBeforeTheDeadlineAndCountsTheWait) {
  TokenBucket bucket(RateLimit{100, 1});  // the real clock: this test sleeps ~10 ms
  RateGate gate(&bucket, nullptr);
  StopSignal stop;
  std::atomic<std::uint64_t> waits{0};
  EXPECT_EQ(gate.pass(Clock::now() + 5s, stop, waits), RateGate::Outcome::passed);
  const auto start = Clock::now();
  EXPECT_EQ(gate.pass(Clock::now() + 5s, stop, waits), RateGate::Outcome::waited);
  EXPECT_GE(Clock::now() - start, 9ms);
  EXPECT_EQ(waits.load(), 1u);
  EXPECT_EQ(gate.pass(Clock::now() + 1ms, stop, waits), RateGate::Outcome::refused_by_bus)
      << "the token comes ~10 ms later: refused at once instead of waiting in vain";
}

TEST(RateGate, AStopEndsTheWait) {
  TokenBucket bucket(RateLimit{0.001, 1});
  RateGate gate(&bucket, nullptr);
  StopSignal stop;
  std::atomic<std::uint64_t> waits{0};
  ASSERT_EQ(gate.pass(Clock::time_point::max(), stop, waits), RateGate::Outcome::passed);
  std::atomic<int> outcome{-1};
  std::thread waiter(
      [&] { outcome = static_cast<int>(gate.pass(Clock::time_point::max(), stop, waits)); });
  // The next token is 1000 s away; wait until the waiter counted its wait (it may also be just
  // about to sleep: StopSignal ends that sleep at once too).
  eventbus::testing::poll_until(10s, [&] { return waits.load() != 0; });
  stop.stop();
  waiter.join();
  EXPECT_EQ(waits.load(), 1u);
  EXPECT_EQ(outcome.load(), static_cast<int>(RateGate::Outcome::stopped));
}

}  // namespace
