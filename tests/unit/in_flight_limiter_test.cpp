// SPDX-License-Identifier: Apache-2.0
// InFlightLimiter: fail-fast at the bound, blocking until a release or the deadline, shutdown
// waking waiters, and the bound holding under concurrent acquire/release.
#include "core/publish/in_flight_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "eventbus/error.hpp"
#include "support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using eventbus::errc;
using eventbus::core::InFlightLimiter;
using Clock = std::chrono::steady_clock;

constexpr auto kBound = 5s;  // how long a test waits for something that must happen

// Gives a thread that is about to call acquire() the chance to park in it. Not synchronisation:
// every assertion holds whatever the timing, this only makes the waiting path the likely one.
void let_it_park() {
  std::this_thread::sleep_for(20ms);
}

TEST(InFlightLimiter, FailsFastAtTheBoundWhenTheDeadlineHasPassed) {
  InFlightLimiter limiter(2);
  EXPECT_FALSE(limiter.acquire(Clock::now()));
  EXPECT_FALSE(limiter.acquire(Clock::now()));
  EXPECT_EQ(limiter.in_flight(), 2u);
  EXPECT_EQ(limiter.acquire(Clock::now()), errc::in_flight_limit);
  EXPECT_EQ(limiter.acquire(Clock::now() - 1s), errc::in_flight_limit);
  EXPECT_EQ(limiter.in_flight(), 2u);
  limiter.release();
  EXPECT_FALSE(limiter.acquire(Clock::now()));
  EXPECT_EQ(limiter.limit(), 2u);
}

TEST(InFlightLimiter, WaitsUntilTheDeadlineThenTimesOut) {
  InFlightLimiter limiter(1);
  ASSERT_FALSE(limiter.acquire(Clock::now()));
  const auto start = Clock::now();
  EXPECT_EQ(limiter.acquire(start + 50ms), errc::publish_timeout);
  EXPECT_GE(Clock::now() - start, 50ms);
  EXPECT_EQ(limiter.in_flight(), 1u);
}

TEST(InFlightLimiter, ABlockedAcquireGetsTheSlotOfARelease) {
  InFlightLimiter limiter(1);
  ASSERT_FALSE(limiter.acquire(Clock::now()));
  std::atomic<bool> released{false};
  std::error_code got = make_error_code(errc::closed);
  bool released_first = false;
  Clock::duration waited{};
  std::thread waiter([&] {
    const auto start = Clock::now();
    got = limiter.acquire(start + 2 * kBound);
    released_first = released.load();
    waited = Clock::now() - start;
  });
  let_it_park();
  released = true;
  limiter.release();
  waiter.join();
  EXPECT_FALSE(got) << got.message();
  EXPECT_TRUE(released_first) << "acquire returned a slot before any was released";
  EXPECT_LT(waited, kBound) << "the release did not wake the waiter";
  EXPECT_EQ(limiter.in_flight(), 1u);
}

TEST(InFlightLimiter, ShutdownWakesEveryWaiterWithClosed) {
  InFlightLimiter limiter(1);
  ASSERT_FALSE(limiter.acquire(Clock::now()));
  std::vector<std::error_code> results(3);
  std::vector<std::thread> waiters;
  const auto start = Clock::now();
  for (auto& result : results) {
    waiters.emplace_back([&] { result = limiter.acquire(Clock::now() + 2 * kBound); });
  }
  let_it_park();
  limiter.shutdown();
  for (auto& t : waiters)
    t.join();
  EXPECT_LT(Clock::now() - start, kBound) << "shutdown did not wake the waiters";
  for (const auto& result : results)
    EXPECT_EQ(result, errc::closed) << result.message();
  EXPECT_EQ(limiter.acquire(Clock::now() + 1s), errc::closed);
  limiter.release();
  EXPECT_EQ(limiter.acquire(Clock::now() + 1s), errc::closed) << "closed even with room";
}

TEST(InFlightLimiter, ConcurrentAcquireReleaseNeverExceedsTheLimit) {
  constexpr std::size_t kLimit = 3;
  constexpr int kThreads = 8;
  constexpr int kRounds = 2000;
  InFlightLimiter limiter(kLimit);
  std::atomic<std::size_t> held{0}, max_held{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        if (limiter.acquire(Clock::now() + kBound)) {
          ++failures;
          continue;
        }
        const std::size_t now = held.fetch_add(1) + 1;
        std::size_t seen = max_held.load();
        while (now > seen && !max_held.compare_exchange_weak(seen, now)) {
        }
        if (i % 7 == 0) std::this_thread::yield();
        held.fetch_sub(1);
        limiter.release();
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0) << "an acquire timed out: a release did not wake a waiter";
  EXPECT_LE(max_held.load(), kLimit);
  EXPECT_GE(max_held.load(), 1u);
  EXPECT_EQ(limiter.in_flight(), 0u);
}

}  // namespace
