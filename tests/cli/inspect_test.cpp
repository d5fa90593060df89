// SPDX-License-Identifier: Apache-2.0
// `eventbus topics` and `eventbus lag` against the real brokers: a topic just published to is
// listed with its message count; a group that consumed 2 of 5 lags by 3 (Kafka: committed
// offsets, summed over the partitions; NATS: the durable's pending + ack pending); an unknown
// topic fails with status 1 naming it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "cli/cli_run.hpp"
#include "eventbus/eventbus.hpp"
#include "kafka/kafka_test.hpp"
#include "nats/nats_test.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

struct Broker {
  BusOptions options;
  std::vector<std::string> flags;  // how the command line reaches it
};

Broker nats_broker() {
  return {nats_bus_options(shared_nats_url()),
          {"--transport", "nats", "--nats-url", shared_nats_url()}};
}

Broker kafka_broker() {
  return {kafka_bus_options(fixture_brokers()),
          {"--transport", "kafka", "--brokers", fixture_brokers()}};
}

CliRun run_with(const Broker& broker, std::vector<std::string> args) {
  args.insert(args.end(), broker.flags.begin(), broker.flags.end());
  return run_cli(args);
}

void publish_five(Bus& bus, const std::string& topic) {
  for (int i = 1; i <= 5; ++i) {  // one aggregate: one partition, one lane, in order
    const OwnedPublishResult r =
        bus.publish_envelope_sync(topic, make_envelope("order-1", "Placed", i, "{}"), 20s);
    ASSERT_FALSE(r.error) << r.detail;
  }
}

// The topics entry carrying `topic`: Kafka's by name, NATS's stream by its subjects.
nlohmann::json listed(const nlohmann::json& report, const std::string& topic) {
  for (const nlohmann::json& t : report["topics"]) {
    if (t["name"] == topic) return t;
    if (t.contains("subjects")) {
      for (const auto& s : t["subjects"])
        if (s == topic) return t;
    }
  }
  return nullptr;
}

void expect_topic_listed(const Broker& broker, bool nats) {
  const std::string topic = unique_name("cli", "topics");
  ASSERT_EQ(run_with(broker, {"publish", topic, "--aggregate", "order-1", "--type", "Placed",
                              "--count", "3"})
                .status,
            0);
  const CliRun json = run_with(broker, {"topics", "--format", "json", "--timeout", "20000"});
  ASSERT_EQ(json.status, 0) << json.err;
  const nlohmann::json report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["transport"], nats ? "nats" : "kafka");
  const nlohmann::json entry = listed(report, topic);
  ASSERT_FALSE(entry.is_null()) << topic << " not in " << json.out.substr(0, 2000);
  EXPECT_EQ(entry["messages"], 3) << entry.dump();
  if (nats) {
    EXPECT_GT(entry["bytes"].get<std::int64_t>(), 0) << entry.dump();
  } else {
    EXPECT_GE(entry["partitions"].get<int>(), 1) << entry.dump();
    EXPECT_EQ(entry["partition_messages"].size(), entry["partitions"].get<std::size_t>());
  }
  for (const nlohmann::json& t : report["topics"])
    EXPECT_FALSE(t["name"].get<std::string>().starts_with("__")) << t.dump();

  const CliRun pretty = run_with(broker, {"topics", "--timeout", "20000"});
  ASSERT_EQ(pretty.status, 0) << pretty.err;
  EXPECT_EQ(pretty.out.rfind(nats ? "STREAM" : "TOPIC", 0), 0u) << pretty.out.substr(0, 200);
  EXPECT_NE(pretty.out.find(topic), std::string::npos);
}

nlohmann::json lag_of(const Broker& broker, const std::string& topic, const std::string& group) {
  const CliRun run =
      run_with(broker, {"lag", topic, "--group", group, "--format", "json", "--timeout", "20000"});
  EXPECT_EQ(run.status, 0) << run.err;
  return run.status == 0 ? nlohmann::json::parse(run.out) : nlohmann::json();
}

TEST(CliKafka, TopicsListsATopicJustPublishedTo) {
  expect_topic_listed(kafka_broker(), false);
}
TEST(CliNats, TopicsListsAStreamJustPublishedTo) {
  expect_topic_listed(nats_broker(), true);
}

// Kafka: a committing group read takes 2 of 5 and stops; the group's committed offsets leave 3.
TEST(CliKafka, LagOfAGroupThatConsumedTwoOfFiveIsThree) {
  const Broker broker = kafka_broker();
  const std::string topic = unique_name("cli", "lag");
  const std::string group = unique_name("cli", "g");
  Bus bus(broker.options);
  publish_five(bus, topic);

  const nlohmann::json before = lag_of(broker, topic, group);
  EXPECT_EQ(before["has_position"], false) << before.dump();
  EXPECT_EQ(before["total"], 5) << before.dump();

  ReadOptions read;
  read.group = group;
  read.commit = true;
  read.timeout = 20s;
  int seen = 0;
  const ReadResult result = bus.read(topic, read, [&](const StoredMessage&) {
    return ++seen <= 2 ? ReadStep::next : ReadStep::stop;
  });
  ASSERT_FALSE(result.error) << result.detail;

  const nlohmann::json after = lag_of(broker, topic, group);
  EXPECT_EQ(after["has_position"], true) << after.dump();
  EXPECT_EQ(after["total"], 3) << after.dump();
  std::int64_t sum = 0;
  for (const nlohmann::json& e : after["entries"]) {
    sum += e["lag"].get<std::int64_t>();
    EXPECT_EQ(e["lag"], e["high"].get<std::int64_t>() -
                            (e["committed"].is_null() ? 0 : e["committed"].get<std::int64_t>()))
        << e.dump();
  }
  EXPECT_EQ(sum, 3);

  const CliRun pretty = run_with(broker, {"lag", topic, "--group", group});
  ASSERT_EQ(pretty.status, 0) << pretty.err;
  EXPECT_NE(pretty.out.find("PARTITION"), std::string::npos) << pretty.out;
  EXPECT_NE(pretty.out.find("total"), std::string::npos) << pretty.out;
  ASSERT_FALSE(bus.close(20s).error);
}

// NATS: a subscription handles 2 of 5 and holds the third in its handler; the 3 unacked are
// the durable's pending + ack pending once the two acks landed.
TEST(CliNats, LagOfAGroupThatConsumedTwoOfFiveIsThree) {
  const Broker broker = nats_broker();
  const std::string topic = unique_name("cli", "lag");
  const std::string group = unique_name("cli", "g");
  Bus bus(broker.options);
  publish_five(bus, topic);

  const nlohmann::json before = lag_of(broker, topic, group);
  EXPECT_EQ(before["has_position"], false) << before.dump();
  EXPECT_EQ(before["total"], 5) << before.dump();

  Signal signal;
  int handled = 0;
  bool release = false;
  SubscribeOptions options;
  options.group = group;
  ASSERT_FALSE(bus.subscribe(
                      topic,
                      [&](const Message&) {
                        std::unique_lock lock(signal.mutex());
                        if (handled < 2) {
                          ++handled;
                          lock.unlock();
                          signal.update([] {});
                          return HandlerResult::ok();
                        }
                        lock.unlock();
                        signal.wait_for(60s, [&] { return release; });  // holds the third
                        return HandlerResult::ok();
                      },
                      options)
                   .error());
  ASSERT_TRUE(signal.wait_for(30s, [&] { return handled == 2; }));
  nlohmann::json after;
  const bool three = poll_until(
      30s,
      [&] {
        after = lag_of(broker, topic, group);
        return after.contains("total") && after["total"] == 3;
      },
      200ms);  // the second ack reaches the server just after its handler returned
  EXPECT_TRUE(three) << after.dump();
  EXPECT_EQ(after["has_position"], true) << after.dump();
  ASSERT_EQ(after["entries"].size(), 1u) << after.dump();
  EXPECT_NE(after["entries"][0]["consumer"].get<std::string>().find("-unified_"),
            std::string::npos);

  const CliRun pretty = run_with(broker, {"lag", topic, "--group", group});
  ASSERT_EQ(pretty.status, 0) << pretty.err;
  EXPECT_NE(pretty.out.find("CONSUMER"), std::string::npos) << pretty.out;
  signal.update([&] { release = true; });
  ASSERT_FALSE(bus.close(20s).error);
}

void expect_unknown_topic_named(const Broker& broker) {
  const std::string topic = unique_name("cli", "absent");
  const CliRun run = run_with(broker, {"lag", topic, "--group", "g", "--timeout", "20000"});
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.err.find(topic), std::string::npos) << run.err;
}

TEST(CliKafka, LagOfAnUnknownTopicFailsWithStatusOneNamingIt) {
  expect_unknown_topic_named(kafka_broker());
}
TEST(CliNats, LagOfAnUnknownTopicFailsWithStatusOneNamingIt) {
  expect_unknown_topic_named(nats_broker());
}

TEST(CliNats, InspectionBadArgumentsFailWithStatusTwo) {
  const CliRun no_topic = run_cli({"lag"}, "EVENTBUS_TYPE=memory");
  EXPECT_EQ(no_topic.status, 2);
  EXPECT_NE(no_topic.err.find("topic"), std::string::npos) << no_topic.err;
  const CliRun format = run_cli({"topics", "--format", "xml"}, "EVENTBUS_TYPE=memory");
  EXPECT_EQ(format.status, 2);
  EXPECT_NE(format.err.find("xml"), std::string::npos) << format.err;
}

}  // namespace
}  // namespace eventbus::testing
