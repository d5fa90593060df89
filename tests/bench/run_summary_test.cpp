// SPDX-License-Identifier: Apache-2.0
// How repeats are condensed (median run, worst correctness) and which runs a bus / raw ratio
// is taken from: a level's NATS runs hold two baselines, and each ratio must use its own.
#include "run_summary.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace eventbus::bench {
namespace {

RunMetrics run(const char* transport, const char* client, const char* level, double throughput,
               std::uint64_t repeat = 0) {
  RunMetrics m = new_run(transport, client, level, 100, 10, repeat);
  m.throughput = throughput;
  m.distinct = 100;
  return m;
}

// One level's interleaved runs, as level_runs.cpp makes them: raw, raw push, bus per repeat.
std::vector<RunMetrics> nats_and_kafka_runs() {
  return {
      run("nats", kRawClient, "low", 10000, 0),     run("nats", kRawPushClient, "low", 40000, 0),
      run("nats", kBusClient, "low", 8000, 0),      run("nats", kRawClient, "low", 12000, 1),
      run("nats", kRawPushClient, "low", 20000, 1), run("nats", kBusClient, "low", 6000, 1),
      run("nats", kRawClient, "low", 11000, 2),     run("nats", kRawPushClient, "low", 30000, 2),
      run("nats", kBusClient, "low", 7000, 2),      run("kafka", kRawClient, "low", 5000),
      run("kafka", kBusClient, "low", 4000),        run("nats", kBusClient, "high", 9000),
  };
}

TEST(RunSummary, MedianRepeatStandsForTheClientAndCorrectnessTakesTheWorst) {
  std::vector<RunMetrics> runs = nats_and_kafka_runs();
  runs[4].distinct = 97;  // raw push, repeat 1: 3 lost
  runs[7].distinct = 99;  // raw push, repeat 2: 1 lost
  runs[7].order_violations = 2;
  runs[1].leaked_threads = 1;
  runs[4].error = "first error";
  runs[7].error = "second error";
  const Summary s = summarize(runs, "low", "nats", kRawPushClient);
  ASSERT_TRUE(s.present());
  EXPECT_EQ(s.repeats, 3u);
  EXPECT_EQ(s.median, &runs[7]);
  EXPECT_EQ(s.throughput_min, 20000);
  EXPECT_EQ(s.throughput_median, 30000);
  EXPECT_EQ(s.throughput_max, 40000);
  EXPECT_EQ(s.lost, 3u);
  EXPECT_EQ(s.order_violations, 2u);
  EXPECT_EQ(s.leaked_threads, 1);
  EXPECT_EQ(s.error, "first error");  // in run order, not throughput order
}

TEST(RunSummary, EachClientIsSummarizedFromItsOwnRunsOnly) {
  const std::vector<RunMetrics> runs = nats_and_kafka_runs();
  EXPECT_EQ(summarize(runs, "low", "nats", kRawClient).throughput_median, 11000);
  EXPECT_EQ(summarize(runs, "low", "nats", kBusClient).throughput_median, 7000);
  EXPECT_EQ(summarize(runs, "low", "nats", kBusClient).repeats, 3u);
  EXPECT_EQ(summarize(runs, "high", "nats", kBusClient).repeats, 1u);
  EXPECT_FALSE(summarize(runs, "low", "kafka", kRawPushClient).present());
  EXPECT_FALSE(summarize(runs, "low", "memory", kBusClient).present());
}

TEST(RunSummary, RatioIsTheBusMedianOverTheNamedBaselinesMedian) {
  const std::vector<RunMetrics> runs = nats_and_kafka_runs();
  EXPECT_DOUBLE_EQ(throughput_ratio(runs, "low", "nats", kRawClient), 7000.0 / 11000.0);
  EXPECT_DOUBLE_EQ(throughput_ratio(runs, "low", "nats", kRawPushClient), 7000.0 / 30000.0);
  EXPECT_DOUBLE_EQ(throughput_ratio(runs, "low", "kafka", kRawClient), 4000.0 / 5000.0);
}

TEST(RunSummary, RatioIsZeroWhenEitherSideIsMissingOrTheBaselineMovedNothing) {
  std::vector<RunMetrics> runs = nats_and_kafka_runs();
  EXPECT_EQ(throughput_ratio(runs, "low", "kafka", kRawPushClient), 0);  // no push for Kafka
  EXPECT_EQ(throughput_ratio(runs, "high", "nats", kRawPushClient), 0);  // bus only
  EXPECT_EQ(throughput_ratio(runs, "low", "memory", kRawClient), 0);
  for (auto& r : runs)
    if (r.client == kRawPushClient) r.throughput = 0;  // every push repeat failed
  EXPECT_EQ(throughput_ratio(runs, "low", "nats", kRawPushClient), 0);
  EXPECT_GT(throughput_ratio(runs, "low", "nats", kRawClient), 0);
}

// A level whose repeats lie more than 2x apart is flagged; 2x itself, one repeat, or a repeat
// that moved nothing (a failure, reported as such) is not.
TEST(RunSummary, RepeatsMoreThanTwiceApartAreUnsteady) {
  const std::vector<RunMetrics> runs = nats_and_kafka_runs();
  const Summary push = summarize(runs, "low", "nats", kRawPushClient);  // 20,000..40,000
  EXPECT_DOUBLE_EQ(push.spread(), 2.0);
  EXPECT_FALSE(push.unsteady());
  EXPECT_FALSE(summarize(runs, "high", "nats", kBusClient).unsteady());  // one repeat
  EXPECT_EQ(summarize(runs, "high", "nats", kBusClient).spread(), 0);
  std::vector<RunMetrics> wide = runs;
  wide[8].throughput = 16000;  // NATS bus low: 6,000..16,000
  EXPECT_TRUE(summarize(wide, "low", "nats", kBusClient).unsteady());
  EXPECT_NEAR(summarize(wide, "low", "nats", kBusClient).spread(), 16000.0 / 6000.0, 1e-9);
  wide[5].throughput = 0;  // a repeat that failed
  EXPECT_FALSE(summarize(wide, "low", "nats", kBusClient).unsteady());
}

TEST(RunSummary, HeapKeptIsWhatStayedAboveTheStart) {
  RunMetrics m = run("kafka", kBusClient, "high", 1000);
  m.heap_before = 20u << 20;
  m.heap_after = 23u << 20;
  EXPECT_DOUBLE_EQ(heap_kept_mb(m), 3.0);
  m.heap_after = 19u << 20;  // gave back more than it took
  EXPECT_EQ(heap_kept_mb(m), 0);
  m.heap_before = 0;  // not measured
  m.heap_after = 23u << 20;
  EXPECT_EQ(heap_kept_mb(m), 0);
}

}  // namespace
}  // namespace eventbus::bench
