// SPDX-License-Identifier: Apache-2.0
// Members joining and leaving a Kafka consumer group while one member consumes a steady
// stream: each join and leave is a rebalance that moves partitions between members, and the
// members' commits (every 100 ms here) race those rebalances. What must hold: every acked
// message handled, none twice (a partition's next owner starts where its last owner finished),
// every aggregate's versions in order across the hand-overs.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "fault/fault_bus.hpp"
#include "fault/steady_load.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

struct ChurnCase {
  std::string name;
  int rounds;
  double rate;
  // The steady member handles slower than the publisher publishes, so its partitions fill their
  // lanes and pause, and get revoked and assigned again while paused.
  bool slow_steady;
};

std::string PrintToString(const ChurnCase& c) {
  return c.name;
}

class GroupChurn : public ::testing::TestWithParam<ChurnCase> {};

TEST_P(GroupChurn, KafkaMembersComingAndGoingLoseNothingAndHandleNothingTwice) {
  const ChurnCase& churn = GetParam();
  warm_up_threads();
  BrokerProcess broker(BrokerKind::kafka);
  const std::size_t threads_before = process_thread_count();
  BusOptions options = fault_bus_options(BrokerKind::kafka, broker.address());
  options.group = unique_name("fault", "group");
  options.kafka.commit_interval = 100ms;
  const std::string topic = unique_name("fault", "t");
  SteadyLoad load({.topic = topic, .aggregates = 200, .rate = churn.rate, .max_calls = 1'000'000});
  auto publisher = std::make_unique<Bus>(options);
  const unsigned library_kept = library_threads(options);
  BusOptions steady_options = options;
  EnvelopeHandler steady_handler = load.handler();
  if (churn.slow_steady) {
    steady_options.dispatch.workers = 1;
    steady_options.dispatch.lanes = 4;
    steady_options.dispatch.lane_capacity = 16;
    steady_options.kafka.fetch_queue_kbytes = 64;  // parks pause a partition at 64 KiB
    steady_handler = [record = load.handler()](const Envelope& e, const Message& m) {
      std::this_thread::sleep_for(2ms);  // the handler's work: 500 a second at most
      return record(e, m);
    };
  }
  auto steady = std::make_unique<Bus>(steady_options);
  ASSERT_FALSE(steady->subscribe_envelope(topic, steady_handler).error());
  const auto running = load.start(*publisher);
  ASSERT_TRUE(load.wait_for_progress(500, 500, 60s)) << "no progress before the first join";

  for (int round = 1; round <= churn.rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    // The joiner takes over some partitions, handles a while, and hands them back on close.
    auto joiner = std::make_unique<Bus>(options);
    ASSERT_FALSE(joiner->subscribe_envelope(topic, load.handler()).error());
    ASSERT_TRUE(poll_until(60s, [&] { return joiner->stats().handled >= 200; }))
        << "the joiner never got a partition";
    ASSERT_TRUE(load.wait_for_progress(200, 200, 60s));
    EXPECT_FALSE(joiner->close(10s).error);
    ASSERT_TRUE(load.wait_for_progress(200, 200, 60s)) << "no progress after the joiner left";
  }
  load.stop();
  EXPECT_TRUE(load.wait_for_all_completions(60s))
      << load.calls() - load.completions() << " completions never fired";
  EXPECT_TRUE(load.wait_until_acked_are_handled(120s))
      << load.acked_not_handled() << " acked messages were never handled";
  EXPECT_FALSE(steady->close(10s).error);
  std::printf(
      "group churn (%s): %d members joined and left; %llu calls, %llu acked, %llu deliveries, "
      "%llu duplicates, %llu order violations\n",
      churn.name.c_str(), churn.rounds, static_cast<unsigned long long>(load.calls()),
      static_cast<unsigned long long>(load.acked()),
      static_cast<unsigned long long>(load.handled()),
      static_cast<unsigned long long>(load.order().duplicates()),
      static_cast<unsigned long long>(load.order().order_violations()));
  EXPECT_EQ(load.acked(), load.calls())
      << "every publish acked (the broker stayed up); first failure: " << load.first_failure();
  EXPECT_EQ(load.acked_not_handled(), 0u);
  EXPECT_EQ(load.order().duplicates(), 0u) << "a hand-over handled a message twice";
  EXPECT_EQ(load.order().order_violations(), 0u);
  steady.reset();
  publisher.reset();
  std::size_t threads_after = 0;
  EXPECT_TRUE(threads_back_to_baseline(threads_before, library_kept, threads_after))
      << threads_after << " threads after every bus closed, " << threads_before << " before";
}

INSTANTIATE_TEST_SUITE_P(
    , GroupChurn,
    ::testing::ValuesIn(built_only<ChurnCase>({ChurnCase{"fast", 12, 2000, false},
                                               ChurnCase{"slow_steady_member", 6, 1000, true}},
                                              [](const ChurnCase&) { return "kafka"; })),
    [](const auto& info) { return PrintToString(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GroupChurn);

}  // namespace
}  // namespace eventbus::testing
