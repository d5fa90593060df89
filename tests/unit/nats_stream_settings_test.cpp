// SPDX-License-Identifier: Apache-2.0
// A topic's settings against a stream configuration as nats-server writes it: what a new stream
// gets, which set settings differ, and that a change touches only what was set.
#include <gtest/gtest.h>

#include "transport/nats/stream_settings.hpp"

namespace eventbus::nats {
namespace {

using namespace std::chrono_literals;

TEST(NatsStreamSettings, ANewStreamGetsTheDefaultsOfWhatIsUnset) {
  const auto c = new_stream_config("S", {"a.>"}, TopicOptions{});
  EXPECT_EQ(c["name"], "S");
  EXPECT_EQ(c["subjects"], nlohmann::json::array({"a.>"}));
  EXPECT_EQ(c["storage"], "file");
  EXPECT_EQ(c["retention"], "limits");
  EXPECT_EQ(c["max_age"], 0);
  EXPECT_EQ(c["max_bytes"], -1);
  EXPECT_EQ(c["max_msgs"], -1);
  EXPECT_EQ(c["num_replicas"], 1);
  EXPECT_EQ(c["discard"], "old");
  EXPECT_EQ(c["duplicate_window"], 120000000000LL);
}

// The server refuses a duplicate window longer than the age limit.
TEST(NatsStreamSettings, AnUnsetDuplicateWindowFollowsAShortMaxAge) {
  TopicOptions t;
  t.max_age = 30s;
  EXPECT_EQ(new_stream_config("S", {"a"}, t)["duplicate_window"], 30000000000LL);
  t.duplicate_window = 10s;
  EXPECT_EQ(new_stream_config("S", {"a"}, t)["duplicate_window"], 10000000000LL);
}

TEST(NatsStreamSettings, OnlySetSettingsAreComparedAndApplied) {
  nlohmann::json config = {{"name", "S"},       {"subjects", {"a.>"}}, {"storage", "file"},
                           {"max_age", 0},      {"max_msgs", 500},     {"max_bytes", -1},
                           {"num_replicas", 1}, {"discard", "old"},    {"description", "keep"}};
  TopicOptions t;
  EXPECT_TRUE(setting_differences(config, t).empty());
  t.max_age = 1h;
  t.storage = StorageType::memory;
  const auto differences = setting_differences(config, t);
  ASSERT_EQ(differences.size(), 2u);
  EXPECT_EQ(differences[0], "storage: the stream has file, asked memory");
  EXPECT_EQ(differences[1], "max_age: the stream has 0 ns, asked 3600000000000 ns");
  EXPECT_EQ(fixed_setting_differences(config, t).size(), 1u);

  apply_settings(config, t);
  EXPECT_EQ(config["max_age"], 3600000000000LL);
  EXPECT_EQ(config["max_msgs"], 500);  // unset: left as the stream has it
  EXPECT_EQ(config["description"], "keep");
  EXPECT_EQ(config["storage"], "file");  // fixed: never written
}

}  // namespace
}  // namespace eventbus::nats
