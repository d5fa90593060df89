// SPDX-License-Identifier: Apache-2.0
// The seed's scenario (levels, aggregates, topic mapping, sender ownership) and the payload stamp.
#include "scenario.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "payload_stamp.hpp"

namespace eventbus::bench {
namespace {

TEST(Scenario, LevelsFollowTheSeedReport) {
  const auto levels = standard_levels();
  ASSERT_EQ(levels.size(), 4u);
  const std::uint64_t counts[] = {500, 2000, 5000, 10000};
  const std::size_t aggregates[] = {50, 200, 500, 1000};
  for (std::size_t i = 0; i < 4; ++i) {
    const Scenario s = Scenario::for_messages(levels[i].messages);
    EXPECT_EQ(s.messages, counts[i]);
    EXPECT_EQ(s.aggregates, aggregates[i]);
    EXPECT_EQ(s.max_version, 10);
    EXPECT_EQ(s.topics, 5u);
  }
  EXPECT_EQ(Scenario::for_messages(100000).aggregates, 1000u);  // clamped
  EXPECT_EQ(Scenario::for_messages(100000).max_version, 100);
  EXPECT_EQ(Scenario::for_messages(100).aggregates, 50u);
  EXPECT_EQ(Scenario::for_messages(20).aggregates, 20u);
}

TEST(Scenario, ParseLevelsTakesNamesAndCounts) {
  std::string error;
  auto l = parse_levels("low,extreme,100k,1m,2000,777", error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_EQ(l.size(), 6u);
  EXPECT_EQ(l[1].messages, 10000u);
  EXPECT_EQ(l[3].messages, 1000000u);
  EXPECT_EQ(l[4].name, "medium");
  EXPECT_EQ(l[5].name, "777");
  EXPECT_EQ(parse_levels("standard", error).size(), 4u);
  EXPECT_TRUE(parse_levels("low,huge", error).empty());
  EXPECT_NE(error.find("huge"), std::string::npos);
}

TEST(Scenario, SendersOwnWholeAggregatesAndSendTheirVersionsInOrder) {
  const Scenario s = Scenario::for_messages(2005);  // 200 aggregates, a partial 11th version
  std::map<std::size_t, std::size_t> owner;
  std::map<std::size_t, std::int64_t> last;
  std::set<std::uint64_t> seen;
  for (std::size_t k = 0; k < 3; ++k) {
    for_each_owned(s, k, 3, [&](std::uint64_t seq) {
      const std::size_t a = s.aggregate_of(seq);
      EXPECT_TRUE(owner.emplace(a, k).first->second == k) << "aggregate " << a << " shared";
      EXPECT_GT(s.version_of(seq), last[a]);
      last[a] = s.version_of(seq);
      EXPECT_TRUE(seen.insert(seq).second);
      EXPECT_EQ(s.topic_of(seq), a % 5);
    });
  }
  EXPECT_EQ(seen.size(), 2005u);
  EXPECT_EQ(s.max_version, 11);
}

TEST(PayloadStamp, StampsAreWrittenInPlaceAndReadBack) {
  std::string p = make_payload(10);
  EXPECT_NE(p.find(R"("pad":"xxxxxxxxxx")"), std::string::npos);
  const std::size_t size = p.size();
  const StampOffsets at = find_stamps(p);
  ASSERT_TRUE(at.valid());
  write_digits(p.data() + at.seq, kSeqDigits, 4242);
  write_digits(p.data() + at.sent_ns, kSentDigits, 1234567890123456789ull);
  EXPECT_EQ(p.size(), size);
  const auto stamp = read_stamp("{\"envelope\":1,\"payload\":" + p + "}");
  ASSERT_TRUE(stamp);
  EXPECT_EQ(stamp->seq, 4242u);
  EXPECT_EQ(stamp->sent_ns, 1234567890123456789);
}

TEST(PayloadStamp, APayloadWithoutStampsIsRefused) {
  EXPECT_FALSE(read_stamp(R"({"amount":1999})"));
  EXPECT_FALSE(read_stamp(R"({"seq":"12","sent_ns":"00000000000000000001"})"));  // too short
}

}  // namespace
}  // namespace eventbus::bench
