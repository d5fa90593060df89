// SPDX-License-Identifier: Apache-2.0
// MinuteSeries: events and process samples land in the interval of their moment; summaries
// carry means, extremes and p99s per interval, and label warm-up, measured and drain.
#include "minute_series.hpp"

#include <gtest/gtest.h>

namespace eventbus::bench {
namespace {

constexpr std::int64_t kMinute = 1000;  // ns per interval, small for the test
constexpr std::int64_t kStart = 5000;

TEST(MinuteSeries, EventsCountIntoTheIntervalOfTheirMoment) {
  MinuteSeries series(3, 1, kMinute);
  series.start(kStart);
  EXPECT_EQ(series.minute_of(kStart - 1), 0u);  // before the start: the first interval
  EXPECT_EQ(series.minute_of(kStart + 999), 0u);
  EXPECT_EQ(series.minute_of(kStart + 1000), 1u);
  EXPECT_EQ(series.minute_of(kStart + 2999), 2u);
  EXPECT_EQ(series.minute_of(kStart + 3000), 3u);   // after the planned end: the drain
  EXPECT_EQ(series.minute_of(kStart + 99000), 3u);  // however late
  series.sent(kStart + 10);
  series.sent(kStart + 1010);
  series.acked(kStart + 1020, 50);
  series.handled(kStart + 1030, 70);
  series.handled(kStart + 5000, 90);
  const auto m = series.summaries();
  ASSERT_EQ(m.size(), 3u);  // the empty interval 2 is left out
  EXPECT_EQ(m[0].minute, 0u);
  EXPECT_EQ(m[0].phase, "warm-up");
  EXPECT_EQ(m[0].sent, 1u);
  EXPECT_EQ(m[1].minute, 1u);
  EXPECT_EQ(m[1].phase, "measured");
  EXPECT_EQ(m[1].sent, 1u);
  EXPECT_EQ(m[1].acked, 1u);
  EXPECT_EQ(m[1].handled, 1u);
  EXPECT_EQ(m[1].send_p99, 50);
  EXPECT_EQ(m[1].end_to_end_p99, 70);
  EXPECT_EQ(m[2].minute, 3u);
  EXPECT_EQ(m[2].phase, "drain");
  EXPECT_EQ(m[2].handled, 1u);
}

TEST(MinuteSeries, SamplesGiveRssMeanAndExtremesAndThreadRange) {
  MinuteSeries series(2, 0, kMinute);
  series.start(kStart);
  series.sample(kStart + 100, {10, 1000});
  series.sample(kStart + 200, {12, 3000});
  series.sample(kStart + 300, {11, 2000});
  series.sample(kStart + 1100, {9, 500});
  const auto m = series.summaries();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].samples, 3u);
  EXPECT_DOUBLE_EQ(m[0].rss_mean, 2000.0);
  EXPECT_EQ(m[0].rss_min, 1000u);
  EXPECT_EQ(m[0].rss_max, 3000u);
  EXPECT_EQ(m[0].threads_min, 10u);
  EXPECT_EQ(m[0].threads_max, 12u);
  EXPECT_EQ(m[0].send_p99, 0);  // no acks in it
  EXPECT_EQ(m[1].samples, 1u);
  EXPECT_DOUBLE_EQ(m[1].rss_mean, 500.0);
  EXPECT_EQ(m[1].threads_min, 9u);
  EXPECT_EQ(m[1].threads_max, 9u);
}

TEST(MinuteSeries, P99PerIntervalIgnoresOtherIntervals) {
  MinuteSeries series(2, 0, kMinute);
  series.start(0);
  for (int i = 1; i <= 100; ++i)
    series.acked(10, i);       // 1..100 in interval 0
  series.acked(1500, 100000);  // one slow ack in interval 1
  const auto m = series.summaries();
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].send_p99, 99);  // exact below 128
  EXPECT_EQ(m[0].acked, 100u);
  EXPECT_NEAR(static_cast<double>(m[1].send_p99), 100000.0, 100000.0 / 64);
}

}  // namespace
}  // namespace eventbus::bench
