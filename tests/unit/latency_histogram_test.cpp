// SPDX-License-Identifier: Apache-2.0
// LatencyHistogram: a duration lands in the first bucket whose bound is >= it (bounds are
// inclusive, as Prometheus' `le` says), beyond the last bound in +Inf; snapshots are cumulative
// with +Inf equal to the count, and the sum adds up the durations.
#include "core/metrics/latency_histogram.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

using eventbus::core::LatencyHistogram;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(LatencyHistogram, BoundsAreInclusiveAndAscending) {
  const auto& bounds = LatencyHistogram::kUpperBoundsSeconds;
  for (std::size_t i = 1; i < bounds.size(); ++i)
    EXPECT_LT(bounds[i - 1], bounds[i]);
  EXPECT_EQ(bounds.front(), 0.00001);
  EXPECT_EQ(LatencyHistogram::bucket_of(nanoseconds(0)), 0u);
  EXPECT_EQ(LatencyHistogram::bucket_of(microseconds(10)), 0u) << "le=0.00001 includes 10us";
  EXPECT_EQ(LatencyHistogram::bucket_of(nanoseconds(10001)), 1u);
  EXPECT_EQ(LatencyHistogram::bucket_of(microseconds(100)), 3u);
  EXPECT_EQ(LatencyHistogram::bucket_of(microseconds(250)), 4u);
  EXPECT_EQ(LatencyHistogram::bucket_of(milliseconds(1)), 6u);
  EXPECT_EQ(LatencyHistogram::bucket_of(milliseconds(7)), 9u) << "in (0.005, 0.01]";
  EXPECT_EQ(LatencyHistogram::bucket_of(seconds(10)), bounds.size() - 1);
  EXPECT_EQ(LatencyHistogram::bucket_of(nanoseconds(10'000'000'001)), bounds.size())
      << "past the last bound: +Inf";
}

TEST(LatencyHistogram, SnapshotIsCumulativeWithInfEqualToCountAndTheSum) {
  LatencyHistogram h;
  h.observe(microseconds(50));  // (0.000025, 0.00005]: bucket 2
  h.observe(microseconds(50));
  h.observe(milliseconds(3));  // (0.0025, 0.005]: bucket 8
  h.observe(seconds(60));      // +Inf
  h.observe(nanoseconds(-5));  // a clock step backwards counts as 0: bucket 0
  const LatencyHistogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.cumulative[0], 1u);
  EXPECT_EQ(s.cumulative[1], 1u);
  EXPECT_EQ(s.cumulative[2], 3u);
  EXPECT_EQ(s.cumulative[7], 3u);
  EXPECT_EQ(s.cumulative[8], 4u);
  EXPECT_EQ(s.cumulative[LatencyHistogram::kBuckets - 2], 4u) << "le=10 excludes 60 s";
  EXPECT_EQ(s.count(), 5u);
  EXPECT_EQ(s.cumulative.back(), s.count());
  EXPECT_NEAR(s.sum_seconds, 60.0031, 1e-9);
}

TEST(LatencyHistogram, ConcurrentObserversLoseNothing) {
  LatencyHistogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i)
        h.observe(microseconds(t * 1000 + i % 7));
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(h.snapshot().count(), 40000u);
}

}  // namespace
