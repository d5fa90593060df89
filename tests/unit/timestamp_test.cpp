// SPDX-License-Identifier: Apache-2.0
// Timestamp parsing and formatting follow Go's time.RFC3339 / time.RFC3339Nano.
#include "eventbus/timestamp.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace {

using eventbus::Timestamp;
using namespace std::chrono;

sys_time<nanoseconds> instant(year_month_day date, hours h, minutes m, seconds s,
                              nanoseconds ns = nanoseconds(0)) {
  return sys_days(date) + h + m + s + ns;
}

TEST(Timestamp, ParseKeepsTheInstantAndTheOffset) {
  const auto t = Timestamp::parse("2026-11-24T21:05:33.123456789+08:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc, instant(2026y / 11 / 24, 13h, 5min, 33s, 123456789ns));
  EXPECT_EQ(t->offset_minutes, 480);
}

TEST(Timestamp, NegativeOffsetWithMinutes) {
  const auto t = Timestamp::parse("2026-03-01T00:00:00.12-05:30");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->utc, instant(2026y / 3 / 1, 5h, 30min, 0s, 120ms));
  EXPECT_EQ(t->offset_minutes, -330);
}

TEST(Timestamp, FormatWritesGoRfc3339Nano) {
  struct Case {
    const char* input;
    const char* formatted;
  };
  const Case cases[] = {
      {"2026-11-24T21:05:33.123456789Z", "2026-11-24T21:05:33.123456789Z"},
      {"2026-11-24T21:05:33.120000000Z", "2026-11-24T21:05:33.12Z"},  // trailing zeros trimmed
      {"2026-11-24T21:05:33.000000000Z", "2026-11-24T21:05:33Z"},     // no fraction at all
      {"2026-11-24T21:05:33.000001+08:00", "2026-11-24T21:05:33.000001+08:00"},
      {"2026-11-24T21:05:33+00:00", "2026-11-24T21:05:33Z"},  // offset 0 is "Z"
      {"2026-11-24T21:05:33-00:00", "2026-11-24T21:05:33Z"},
      {"2026-11-24T21:05:33.5-23:59", "2026-11-24T21:05:33.5-23:59"},
      {"2026-11-24T21:05:33.1234567891Z", "2026-11-24T21:05:33.123456789Z"},  // truncated
      {"2026-11-24T21:05:33.9999999999Z", "2026-11-24T21:05:33.999999999Z"},  // not rounded
      {"1969-12-31T23:59:59.999999999-01:00", "1969-12-31T23:59:59.999999999-01:00"},
      {"2024-02-29T00:00:00+14:00", "2024-02-29T00:00:00+14:00"},
      {"2262-04-11T23:47:16.854775807Z", "2262-04-11T23:47:16.854775807Z"},
      {"1677-09-21T00:12:43.145224192Z", "1677-09-21T00:12:43.145224192Z"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.input);
    const auto t = Timestamp::parse(c.input);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->format(), c.formatted);
    EXPECT_EQ(Timestamp::parse(t->format()), t);  // what we write, we read back
  }
}

TEST(Timestamp, DefaultIsTheEpochInUtc) {
  EXPECT_EQ(Timestamp{}.format(), "1970-01-01T00:00:00Z");
}

TEST(Timestamp, AppendToAppends) {
  std::string out = "at ";
  Timestamp{}.append_to(out);
  EXPECT_EQ(out, "at 1970-01-01T00:00:00Z");
}

TEST(Timestamp, OffsetChangesTheWrittenWallClockNotTheInstant) {
  Timestamp t{instant(2026y / 1 / 1, 0h, 30min, 0s), -60};
  EXPECT_EQ(t.format(), "2025-12-31T23:30:00-01:00");
  t.offset_minutes = 90;
  EXPECT_EQ(t.format(), "2026-01-01T02:00:00+01:30");
}

TEST(Timestamp, LeapYearsFollowTheGregorianRules) {
  EXPECT_TRUE(Timestamp::parse("2024-02-29T00:00:00Z"));
  EXPECT_TRUE(Timestamp::parse("2000-02-29T00:00:00Z"));
  EXPECT_FALSE(Timestamp::parse("2100-02-29T00:00:00Z"));
  EXPECT_FALSE(Timestamp::parse("2025-02-29T00:00:00Z"));
  EXPECT_FALSE(Timestamp::parse("2024-02-30T00:00:00Z"));
  EXPECT_FALSE(Timestamp::parse("2024-04-31T00:00:00Z"));
  EXPECT_TRUE(Timestamp::parse("2024-12-31T23:59:59Z"));
}

TEST(Timestamp, RejectsWhatGoRfc3339Rejects) {
  const char* inputs[] = {
      "",
      "2026-11-24",
      "2026-11-24T21:05:33",         // no zone
      "2026-11-24t21:05:33Z",        // lower-case t
      "2026-11-24T21:05:33z",        // lower-case z
      "2026-11-24 21:05:33Z",        // space for T
      "2026-11-24T21:05Z",           // no seconds
      "2026-13-01T00:00:00Z",        // month 13
      "2026-00-01T00:00:00Z",        // month 0
      "2026-01-00T00:00:00Z",        // day 0
      "2026-11-24T24:00:00Z",        // hour 24
      "2026-11-24T21:60:00Z",        // minute 60
      "2026-11-24T21:05:60Z",        // no leap seconds, as in Go
      "2026-11-24T21:05:33.Z",       // dot without digits
      "2026-11-24T21:05:33+0800",    // offset without colon
      "2026-11-24T21:05:33+08",      // offset without minutes
      "2026-11-24T21:05:33+08:00Z",  // two zones
      "2026-11-24T21:05:33 Z",       // space before zone
      "+2026-11-24T21:05:33Z",       // signed year
      "26-11-24T21:05:33Z",          // two-digit year
      "2026-1-24T21:05:33Z",         // one-digit month
      "2026-11-24T21:05:3aZ",        // letter in seconds
      "2026-11-24T21:05:33.1a2Z",    // letter in fraction
  };
  for (const char* input : inputs)
    EXPECT_FALSE(Timestamp::parse(input)) << input;
}

TEST(Timestamp, RejectsOffsetsGoCannotWrite) {
  EXPECT_FALSE(Timestamp::parse("2026-11-24T21:05:33+24:00"));
  EXPECT_FALSE(Timestamp::parse("2026-11-24T21:05:33-24:00"));
  EXPECT_FALSE(Timestamp::parse("2026-11-24T21:05:33+05:60"));
  EXPECT_TRUE(Timestamp::parse("2026-11-24T21:05:33+23:59"));
  EXPECT_TRUE(Timestamp::parse("2026-11-24T21:05:33-23:59"));
}

TEST(Timestamp, RejectsInstantsOutsideNanosecondSysTime) {
  EXPECT_FALSE(Timestamp::parse("2262-04-11T23:47:16.854775808Z"));
  EXPECT_FALSE(Timestamp::parse("1677-09-21T00:12:43.145224191Z"));
  EXPECT_FALSE(Timestamp::parse("0000-01-01T00:00:00Z"));
  EXPECT_FALSE(Timestamp::parse("9999-12-31T23:59:59Z"));
  // The zone decides: the same wall clock is in range east of UTC and out of it west.
  EXPECT_TRUE(Timestamp::parse("2262-04-12T00:00:00+08:00"));
  EXPECT_FALSE(Timestamp::parse("2262-04-11T23:47:17-00:01"));
}

TEST(Timestamp, NowIsUtcAndCurrent) {
  const auto before = system_clock::now();
  const Timestamp t = Timestamp::now();
  const auto after = system_clock::now();
  EXPECT_EQ(t.offset_minutes, 0);
  EXPECT_LE(before, t.utc);
  EXPECT_LE(t.utc, after);
  EXPECT_EQ(t.format().back(), 'Z');
}

TEST(Timestamp, EqualityComparesInstantAndOffset) {
  const auto utc = Timestamp::parse("2026-11-24T13:05:33Z");
  const auto east = Timestamp::parse("2026-11-24T21:05:33+08:00");
  ASSERT_TRUE(utc && east);
  EXPECT_EQ(utc->utc, east->utc);
  EXPECT_NE(*utc, *east);  // same instant, written differently: re-encoding must keep the zone
}

}  // namespace
