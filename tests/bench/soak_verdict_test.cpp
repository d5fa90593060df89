// SPDX-License-Identifier: Apache-2.0
// judge_soak and the soak's duration parsing: each check fails on its own, with its reason.
#include "soak_verdict.hpp"

#include <gtest/gtest.h>

#include "soak_settings.hpp"

namespace eventbus::bench {
namespace {

MinuteSummary minute(std::size_t index, const char* phase, double rss, std::size_t threads_min,
                     std::size_t threads_max) {
  MinuteSummary m;
  m.minute = index;
  m.phase = phase;
  m.samples = 60;
  m.rss_mean = rss;
  m.rss_min = m.rss_max = static_cast<std::uint64_t>(rss);
  m.threads_min = threads_min;
  m.threads_max = threads_max;
  return m;
}

SoakTotals clean(std::uint64_t messages) {
  SoakTotals t;
  t.planned = t.acked = t.distinct = messages;
  return t;
}

bool mentions(const SoakVerdict& v, const std::string& text) {
  for (const auto& f : v.failures)
    if (f.find(text) != std::string::npos) return true;
  return false;
}

// Warm-up RSS far below, then measured minutes 1..3; the drain is never judged.
std::vector<MinuteSummary> series(double first, double last) {
  return {minute(0, "warm-up", first / 4, 5, 22), minute(1, "measured", first, 22, 22),
          minute(2, "measured", (first + last) / 2, 22, 22), minute(3, "measured", last, 22, 22),
          minute(4, "drain", last * 3, 22, 40)};
}

TEST(SoakVerdict, ACleanRunPassesAndComparesFirstAndLastMeasuredMinute) {
  const SoakVerdict v = judge_soak(series(100e6, 109e6), clean(1000), {});
  EXPECT_TRUE(v.ok()) << (v.failures.empty() ? "" : v.failures.front());
  EXPECT_EQ(v.first_minute, 1u);
  EXPECT_EQ(v.last_minute, 3u);
  EXPECT_DOUBLE_EQ(v.rss_first, 100e6);
  EXPECT_DOUBLE_EQ(v.rss_last, 109e6);
  EXPECT_NEAR(v.rss_change, 0.09, 1e-9);
  EXPECT_EQ(v.threads_min, 22u);
  EXPECT_EQ(v.threads_max, 22u);
  EXPECT_EQ(v.lost, 0u);
}

TEST(SoakVerdict, RssBeyondTheToleranceEitherWayFails) {
  EXPECT_TRUE(mentions(judge_soak(series(100e6, 111e6), clean(10), {}), "RSS"));
  EXPECT_TRUE(mentions(judge_soak(series(100e6, 89e6), clean(10), {}), "RSS"));
  EXPECT_TRUE(judge_soak(series(100e6, 111e6), clean(10), {0.2, 0}).ok());
}

TEST(SoakVerdict, ThreadsMustStayFlatAfterWarmUpAndReturnAfterClose) {
  auto m = series(100e6, 100e6);
  m[2].threads_max = 23;
  EXPECT_TRUE(mentions(judge_soak(m, clean(10), {}), "threads not flat: 22 to 23"));
  EXPECT_TRUE(judge_soak(m, clean(10), {0.1, 1}).ok());
  SoakTotals leaked = clean(10);
  leaked.leaked_threads = 2;
  EXPECT_TRUE(mentions(judge_soak(series(100e6, 100e6), leaked, {}), "2 threads leaked"));
}

TEST(SoakVerdict, LostReorderedAndUnexplainedDuplicatesFail) {
  SoakTotals t = clean(1000);
  t.distinct = 997;
  t.acked = 1000;
  SoakVerdict v = judge_soak(series(1e6, 1e6), t, {});
  EXPECT_EQ(v.lost, 3u);
  EXPECT_TRUE(mentions(v, "3 of 1000 messages lost"));

  t = clean(1000);
  t.order_violations = 1;
  EXPECT_TRUE(mentions(judge_soak(series(1e6, 1e6), t, {}), "1 order violations"));

  t = clean(1000);
  t.duplicates = 5;
  t.redelivered_duplicates = 5;
  v = judge_soak(series(1e6, 1e6), t, {});
  EXPECT_TRUE(v.ok());  // at-least-once: a redelivery may repeat a message
  t.redelivered_duplicates = 3;
  v = judge_soak(series(1e6, 1e6), t, {});
  EXPECT_EQ(v.unexplained_duplicates, 2u);
  EXPECT_FALSE(v.ok());
}

TEST(SoakVerdict, FailedPublishesAreNotCountedLostButFailTheRun) {
  SoakTotals t = clean(1000);
  t.acked = 998;
  t.publish_failed = 2;
  t.distinct = 998;
  const SoakVerdict v = judge_soak(series(1e6, 1e6), t, {});
  EXPECT_EQ(v.lost, 0u);
  EXPECT_TRUE(mentions(v, "2 publishes failed"));
}

TEST(SoakVerdict, ARunWithoutMeasuredMinutesFails) {
  const std::vector<MinuteSummary> only_warmup{minute(0, "warm-up", 1e6, 5, 5)};
  const SoakVerdict v = judge_soak(only_warmup, clean(10), {});
  EXPECT_FALSE(v.measured);
  EXPECT_TRUE(mentions(v, "no measured minute"));
}

TEST(SoakSettings, DurationsAndMinutes) {
  EXPECT_EQ(parse_duration("10m"), std::chrono::seconds(600));
  EXPECT_EQ(parse_duration("90s"), std::chrono::seconds(90));
  EXPECT_EQ(parse_duration("45"), std::chrono::seconds(45));
  EXPECT_EQ(parse_duration("1h"), std::chrono::seconds(3600));
  EXPECT_FALSE(parse_duration("0m"));
  EXPECT_FALSE(parse_duration("-5s"));
  EXPECT_FALSE(parse_duration("10x"));
  EXPECT_FALSE(parse_duration("m"));
  SoakSettings s;
  s.duration = std::chrono::seconds(600);
  s.rate = 1500;
  EXPECT_EQ(s.messages(), 900000u);
  EXPECT_EQ(s.minutes(), 10u);
  EXPECT_EQ(s.warmup_minutes(), 1u);
  s.duration = std::chrono::seconds(150);  // a partial last interval counts
  EXPECT_EQ(s.minutes(), 3u);
}

}  // namespace
}  // namespace eventbus::bench
