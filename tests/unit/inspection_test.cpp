// SPDX-License-Identifier: Apache-2.0
// Bus::topics and Bus::group_lag on the memory transport: a topic's messages and bytes, a
// group's backlog before it consumed anything (every message, no position) and after a
// committing read, an unknown topic, bad arguments, and the report's total.
#include <gtest/gtest.h>

#include <algorithm>

#include "eventbus/eventbus.hpp"

namespace eventbus {
namespace {

using namespace std::chrono_literals;

BusOptions memory_options() {
  BusOptions options;
  options.transport = "memory";
  options.memory.broker = "inspection_test";
  options.group = "configured";
  return options;
}

const TopicInfo* find_topic(const TopicsReport& report, const std::string& name) {
  const auto it = std::find_if(report.topics.begin(), report.topics.end(),
                               [&](const TopicInfo& t) { return t.name == name; });
  return it == report.topics.end() ? nullptr : &*it;
}

TEST(Inspection, MemoryTopicsCountMessagesAndBytes) {
  Bus bus(memory_options());
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(
        bus.publish_envelope_sync("inspect.t", make_envelope("a-1", "Placed", i + 1, "{}")).error);
  ASSERT_FALSE(bus.publish_envelope_sync("__internal", make_envelope("a-1", "X", 1, "{}")).error);
  const TopicsReport report = bus.topics();
  ASSERT_FALSE(report.error) << report.detail;
  const TopicInfo* topic = find_topic(report, "inspect.t");
  ASSERT_NE(topic, nullptr);
  EXPECT_EQ(topic->messages, 3);
  EXPECT_GT(topic->bytes, 0);
  EXPECT_EQ(topic->partitions(), 0);
  EXPECT_EQ(find_topic(report, "__internal"), nullptr) << "internal topics are left out";
  EXPECT_TRUE(
      std::is_sorted(report.topics.begin(), report.topics.end(),
                     [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; }));
}

TEST(Inspection, MemoryGroupLagBeforeAndAfterACommittingRead) {
  Bus bus(memory_options());
  for (int i = 0; i < 5; ++i)
    ASSERT_FALSE(
        bus.publish_envelope_sync("inspect.lag", make_envelope("a-1", "Placed", i + 1, "{}"))
            .error);
  GroupLagReport before = bus.group_lag("g1", "inspect.lag");
  ASSERT_FALSE(before.error) << before.detail;
  EXPECT_FALSE(before.has_position);
  EXPECT_EQ(before.total(), 5) << "a group with no position lags by every message";

  ReadOptions read;
  read.group = "g1";
  read.commit = true;
  int seen = 0;
  const ReadResult result = bus.read("inspect.lag", read, [&](const StoredMessage&) {
    return ++seen <= 2 ? ReadStep::next : ReadStep::stop;
  });
  ASSERT_FALSE(result.error) << result.detail;
  const GroupLagReport after = bus.group_lag("g1", "inspect.lag");
  ASSERT_FALSE(after.error) << after.detail;
  EXPECT_TRUE(after.has_position);
  EXPECT_EQ(after.group, "g1");
  EXPECT_EQ(after.total(), 3);

  const GroupLagReport configured = bus.group_lag("", "inspect.lag");
  EXPECT_EQ(configured.group, "configured") << "an empty group is BusOptions::group";
}

TEST(Inspection, UnknownTopicAndBadArgumentsAreNamed) {
  Bus bus(memory_options());
  const GroupLagReport absent = bus.group_lag("g", "inspect.absent");
  EXPECT_EQ(absent.error, errc::unknown_topic);
  EXPECT_NE(absent.detail.find("inspect.absent"), std::string::npos) << absent.detail;
  EXPECT_EQ(bus.group_lag("g", "").error, errc::invalid_topic);
  EXPECT_EQ(bus.group_lag("g", "t", 0ms).error, errc::invalid_option);
  EXPECT_EQ(bus.topics(0ms).error, errc::invalid_option);
  ASSERT_FALSE(bus.close(5s).error);
  EXPECT_EQ(bus.topics().error, errc::closed);
  EXPECT_EQ(bus.group_lag("g", "t").error, errc::closed);
}

TEST(Inspection, ReportTotalSumsEveryEntry) {
  GroupLagReport report;
  GroupPartitionLag a;
  a.pending = 2;
  a.unacked = 1;
  GroupPartitionLag b;
  b.pending = 4;
  report.entries = {a, b};
  EXPECT_EQ(report.total(), 7);
}

}  // namespace
}  // namespace eventbus
