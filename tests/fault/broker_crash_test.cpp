// SPDX-License-Identifier: Apache-2.0
// The broker is killed (SIGKILL) three times during a 30-second run of steady publishing and
// consuming over 1,000 aggregates, and restarted each time. What must hold: every publish the
// broker acked is handled at least once, no aggregate's versions are handled out of order,
// every completion fires exactly once, and the bus recovers by itself after each restart.
#include <gtest/gtest.h>

#include <cstdio>

#include "fault/fault_bus.hpp"
#include "fault/steady_load.hpp"
#include "support/threads.hpp"

namespace eventbus::testing {
namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

class BrokerCrash : public ::testing::TestWithParam<BrokerKind> {};

TEST_P(BrokerCrash, ThreeKillsInThirtySecondsLoseNoAckedMessageAndKeepEveryAggregateInOrder) {
  constexpr int kKills = 3;
  constexpr auto kRun = 30s;
  warm_up_threads();
  BrokerProcess broker(GetParam());
  const std::size_t threads_before = process_thread_count();
  const std::string topic = unique_name("fault", "t");
  SteadyLoad load({.topic = topic, .aggregates = 1000, .rate = 1000, .max_calls = 60'000});
  const BusOptions options = fault_bus_options(GetParam(), broker.address());
  auto bus = std::make_unique<Bus>(options);
  const unsigned library_kept = library_threads(options);
  ASSERT_FALSE(bus->subscribe_envelope(topic, load.handler()).error());
  const auto started = Clock::now();
  const auto running = load.start(*bus);

  for (int kill = 1; kill <= kKills; ++kill) {
    // Causal, not timed: each kill comes after the bus moved two seconds' worth both ways.
    ASSERT_TRUE(load.wait_for_progress(2000, 2000, 90s)) << "no progress before kill " << kill;
    const auto killed = Clock::now();
    broker.kill9();
    std::this_thread::sleep_for(1s);  // the outage itself: the broker stays dead for a second
    broker.restart();
    const auto up = Clock::now();
    ASSERT_TRUE(load.wait_for_progress(1, 1, 90s))
        << "no ack and delivery within 90 s of restart " << kill;
    std::printf(
        "kill %d at %.1f s: broker back after %.1f s, bus acking and delivering %.2f s "
        "later\n",
        kill, seconds(killed - started), seconds(up - killed), seconds(Clock::now() - up));
  }
  std::this_thread::sleep_until(started + kRun);  // the run's length, not a synchronisation
  load.stop();

  EXPECT_TRUE(load.wait_for_all_completions(60s))
      << load.calls() - load.completions() << " completions never fired";
  EXPECT_TRUE(load.wait_until_acked_are_handled(120s))
      << load.acked_not_handled() << " acked messages were never handled";
  const CloseReport report = bus->close(10s);
  EXPECT_FALSE(report.error) << report.error.message();
  const Stats stats = bus->stats();
  std::printf("%s\n", load.summary().c_str());
  load.expect_ledger_holds();
  EXPECT_EQ(stats.dead_lettered, 0u) << "a crash must not send anything to the dead letters";
  // Not vacuous: most of the run's publishes went through despite three crashes.
  EXPECT_GT(load.acked(), load.calls() / 2);
  bus.reset();
  std::size_t threads_after = 0;
  EXPECT_TRUE(threads_back_to_baseline(threads_before, library_kept, threads_after))
      << threads_after << " threads after close, " << threads_before << " before";
}

INSTANTIATE_TEST_SUITE_P(, BrokerCrash, ::testing::ValuesIn(built_brokers()),
                         [](const auto& info) { return PrintToString(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BrokerCrash);

}  // namespace
}  // namespace eventbus::testing
