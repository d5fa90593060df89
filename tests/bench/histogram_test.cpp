// SPDX-License-Identifier: Apache-2.0
// LogHistogram: bucket arithmetic without gaps, and percentiles within its stated precision.
#include "histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>
#include <vector>

namespace eventbus::bench {
namespace {

// The histogram promises every value within 1/64 of itself (midpoints: within 1/128).
void expect_near_relative(std::int64_t actual, double expected) {
  EXPECT_LE(std::abs(static_cast<double>(actual) - expected), expected / 64.0 + 1)
      << "actual " << actual << ", expected " << expected;
}

TEST(LogHistogram, BucketsCoverEveryValueOnceAndInOrder) {
  std::int64_t next = 0;
  for (std::size_t b = 0; b < LogHistogram::kBuckets; ++b) {
    ASSERT_EQ(LogHistogram::bucket_low(b), next) << "bucket " << b;
    ASSERT_GE(LogHistogram::bucket_high(b), LogHistogram::bucket_low(b));
    ASSERT_EQ(LogHistogram::bucket_of(LogHistogram::bucket_low(b)), b);
    ASSERT_EQ(LogHistogram::bucket_of(LogHistogram::bucket_high(b)), b);
    next = LogHistogram::bucket_high(b) + 1;
  }
}

TEST(LogHistogram, ValuesBelow128AreExact) {
  LogHistogram h;
  for (int v = 1; v <= 100; ++v)
    h.record(v);
  EXPECT_EQ(h.percentile(50), 50);
  EXPECT_EQ(h.percentile(99), 99);
  EXPECT_EQ(h.percentile(100), 100);
  EXPECT_EQ(h.min(), 1);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LogHistogram, PercentilesOfAUniformRangeAreWithinPrecision) {
  LogHistogram h;
  for (std::int64_t v = 1; v <= 1'000'000; ++v)
    h.record(v * 1000);  // 1 us .. 1 s in ns
  EXPECT_EQ(h.count(), 1'000'000u);
  expect_near_relative(h.percentile(50), 500'000'000.0);
  expect_near_relative(h.percentile(90), 900'000'000.0);
  expect_near_relative(h.percentile(99), 990'000'000.0);
  expect_near_relative(h.percentile(99.9), 999'000'000.0);
  EXPECT_EQ(h.max(), 1'000'000'000);
  EXPECT_EQ(h.percentile(100), 1'000'000'000);
}

TEST(LogHistogram, ATailIsSeenByP99ButNotByP50) {
  LogHistogram h;
  for (int i = 0; i < 980; ++i)
    h.record(1'000'000);  // 1 ms
  for (int i = 0; i < 20; ++i)
    h.record(250'000'000);  // 250 ms stalls: 2 %
  expect_near_relative(h.percentile(50), 1'000'000.0);
  expect_near_relative(h.percentile(98), 1'000'000.0);
  expect_near_relative(h.percentile(99), 250'000'000.0);
  EXPECT_EQ(h.max(), 250'000'000);
}

TEST(LogHistogram, EmptyReportsZeroAndNegativesCountAsZero) {
  LogHistogram h;
  EXPECT_EQ(h.percentile(99), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
  h.record(-5);
  EXPECT_EQ(h.count(), 1u);
  EXPECT_EQ(h.percentile(50), 0);
}

TEST(LogHistogram, HugeValuesLandInTheLastBucket) {
  LogHistogram h;
  h.record(INT64_MAX);
  EXPECT_EQ(LogHistogram::bucket_of(INT64_MAX), LogHistogram::kBuckets - 1);
  EXPECT_EQ(h.count(), 1u);
}

TEST(LogHistogram, ConcurrentRecordsAreAllCounted) {
  LogHistogram h;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&h, t] {
      std::mt19937_64 random(t);
      for (int i = 0; i < 50'000; ++i)
        h.record(static_cast<std::int64_t>(random() % 10'000'000));
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(h.count(), 200'000u);
  // Uniform over 0..10 ms: the median is 5 ms give or take sampling noise and the bucket width.
  EXPECT_NEAR(static_cast<double>(h.percentile(50)), 5'000'000.0, 150'000.0);
}

}  // namespace
}  // namespace eventbus::bench
