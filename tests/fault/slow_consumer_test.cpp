// SPDX-License-Identifier: Apache-2.0
// A slow consumer: 20,000 messages of ~2 KB queued on the broker (40 MB) behind a handler that
// takes 10 ms. The bus must hold only what its bounds allow (prefetch + lanes), not the
// backlog, and must not cause a redelivery storm: with no failure there are no duplicates,
// though the broker's redelivery timer (NATS AckWait 5 s here) is far shorter than the time a
// message waits in the process.
#include <gtest/gtest.h>

#include <cstdio>

#include "fault/fault_bus.hpp"
#include "fault/steady_load.hpp"
#include "process_sampler.hpp"

namespace eventbus::testing {
namespace {

class SlowConsumer : public ::testing::TestWithParam<BrokerKind> {};

TEST_P(SlowConsumer, TwentyThousandQueuedBehindATenMillisecondHandlerStayBoundedWithoutRedelivery) {
  constexpr std::size_t kMessages = 20'000;
  constexpr std::size_t kPayload = 2048;
  constexpr std::uint64_t kMiB = 1 << 20;
  BrokerProcess broker(GetParam());
  const std::string topic = unique_name("fault", "t");
  SteadyLoad load(
      {.topic = topic, .aggregates = 1000, .max_calls = kMessages, .payload_bytes = kPayload});
  {
    Bus publisher(fault_bus_options(GetParam(), broker.address()));
    load.publish_burst(publisher, kMessages);
    ASSERT_TRUE(load.wait_for_all_completions(120s));
    ASSERT_EQ(load.acked(), kMessages) << "the backlog must be complete before consuming";
  }

  BusOptions options = fault_bus_options(GetParam(), broker.address());
  options.dispatch.lanes = 16;
  options.dispatch.workers = 16;  // 16 handlers at a time: 20,000 x 10 ms in ~12.5 s
  options.dispatch.lane_capacity = 64;
  options.kafka.fetch_queue_kbytes = 2048;
  std::atomic<std::uint64_t> redelivered{0};
  const EnvelopeHandler record = load.handler();
  bench::ProcessSampler sampler;
  sampler.start();
  sampler.begin_window();
  const std::uint64_t rss_before = sampler.window().start.rss_bytes;
  auto bus = std::make_unique<Bus>(options);
  ASSERT_FALSE(
      bus->subscribe_envelope(topic,
                              [&](const Envelope& e, const Message& m) {
                                if (m.attempt > 1) redelivered.fetch_add(1);
                                std::this_thread::sleep_for(
                                    10ms);  // the slow handler under test, not a synchronisation
                                return record(e, m);
                              })
          .error());
  ASSERT_TRUE(load.wait_until_acked_are_handled(180s))
      << load.acked_not_handled() << " of " << kMessages << " never handled";
  const bench::SampleWindow window = sampler.window();
  EXPECT_FALSE(bus->close(10s).error);
  bus.reset();
  sampler.stop();

  const std::uint64_t growth = window.peak.rss_bytes - rss_before;
  std::printf(
      "%zu messages of %zu bytes: peak RSS %.1f MB, %.1f MB above the start; "
      "%llu deliveries, %llu redelivered\n",
      kMessages, kPayload, static_cast<double>(window.peak.rss_bytes) / kMiB,
      static_cast<double>(growth) / kMiB, static_cast<unsigned long long>(load.handled()),
      static_cast<unsigned long long>(redelivered.load()));
  // The backlog is ~45 MB encoded. The bounds hold a few MB of it: 16 lanes x 64 messages
  // (2.4 MB) plus one NATS fetch batch, or plus Kafka's 2 MB prefetch and at most as much
  // parked behind full lanes. Half the backlog in memory means a bound does not hold.
  EXPECT_LT(growth, 20 * kMiB);
  EXPECT_EQ(load.order().duplicates(), 0u) << "redelivered without a failure";
  EXPECT_EQ(redelivered.load(), 0u);
  EXPECT_EQ(load.order().order_violations(), 0u);
  EXPECT_EQ(load.order().distinct(), kMessages);
}

INSTANTIATE_TEST_SUITE_P(, SlowConsumer, ::testing::ValuesIn(built_brokers()),
                         [](const auto& info) { return PrintToString(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SlowConsumer);

}  // namespace
}  // namespace eventbus::testing
