// SPDX-License-Identifier: Apache-2.0
// Topic admin on a real broker: each TopicStrategy does what kafka_topics.hpp promises, read
// back with a metadata request of our own; and a refused librdkafka property or a missing
// validate_only topic fails with an error that says what is wrong.
#include <gtest/gtest.h>

#include <string>
#include <system_error>

#include "eventbus/error.hpp"
#include "kafka/kafka_test.hpp"
#include "support/wait.hpp"
#include "transport/kafka/kafka_topic_config.hpp"
#include "transport/kafka/kafka_topics.hpp"

namespace eventbus::testing {
namespace {

class KafkaTopicAdmin : public ::testing::Test {
 protected:
  // Publishes one envelope through a bus whose options give `topic` these TopicOptions; the
  // first publish of a topic runs the topic admin.
  OwnedPublishResult publish_with(const std::string& topic, TopicStrategy strategy,
                                  int partitions) {
    BusOptions options = kafka_bus_options(brokers);
    options.topics[topic].strategy = strategy;
    options.topics[topic].partitions = partitions;
    Bus bus(options);
    return bus.publish_envelope_sync(topic, kafka_test_envelope("agg-1", 1), 20s);
  }
  // The partition count as kafka_topics.hpp reads it, through a client of our own.
  int partition_count_of(const std::string& topic) {
    HandlePtr client = make_client(RD_KAFKA_PRODUCER, brokers);
    return kafka::partition_count(client.get(), topic, 10000).total;
  }
  // The topic's configuration once `key` reads `value` (expected within 10 s), or as last read.
  // A KRaft broker applies a configuration change through its metadata log: a describe right
  // after the change may still show the one before.
  kafka::TopicConfig config_showing(const std::string& topic, const std::string& key,
                                    const std::string& value) {
    HandlePtr client = make_client(RD_KAFKA_PRODUCER, brokers);
    kafka::TopicConfig config;
    std::string detail;
    EXPECT_TRUE(poll_until(10s, [&] {
      config = {};
      return !kafka::describe_topic_config(client.get(), topic, 10s, config, detail) &&
             config.dynamic[key] == value;
    })) << detail;
    return config;
  }

  std::string brokers = fixture_brokers();
};

TEST_F(KafkaTopicAdmin, CreateOnlyCreatesWithTheRequestedPartitions) {
  const std::string topic = unique_name("kafka", "t");
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_only, 3).error);
  EXPECT_EQ(partition_count_of(topic), 3);
  EXPECT_EQ(topic_partitions(brokers, topic), 3);  // the broker's own listing agrees
}

TEST_F(KafkaTopicAdmin, CreateOnlyLeavesAnExistingTopicAsItIs) {
  const std::string topic = unique_name("kafka", "t");
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_only, 2).error);
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_only, 5).error);
  EXPECT_EQ(partition_count_of(topic), 2);
}

TEST_F(KafkaTopicAdmin, DefaultOptionsUseAnExistingTopicWithItsPartitions) {
  const std::string topic = unique_name("kafka", "t");
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_only, 3).error);
  BusOptions options = kafka_bus_options(brokers);
  options.group = unique_name("kafka", "g");
  Bus bus(options);  // default TopicOptions: nothing set
  ASSERT_FALSE(bus.subscribe(topic, [](const Message&) { return HandlerResult::ok(); }).error());
  const OwnedPublishResult r = bus.publish_envelope_sync(topic, kafka_test_envelope("a", 1), 20s);
  ASSERT_FALSE(r.error) << r.detail;
  EXPECT_LT(r.partition, 3);
  EXPECT_EQ(partition_count_of(topic), 3);
}

TEST_F(KafkaTopicAdmin, CreateOrUpdateRefusesToAddPartitionsUnlessAllowed) {
  const std::string topic = unique_name("kafka", "t");
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_or_update, 2).error);
  ASSERT_EQ(partition_count_of(topic), 2);
  const OwnedPublishResult refused = publish_with(topic, TopicStrategy::create_or_update, 5);
  EXPECT_EQ(refused.error, errc::invalid_option);
  for (const char* words : {"has 2 partitions, asked 5", "order", "allow_partition_increase"})
    EXPECT_NE(refused.detail.find(words), std::string::npos) << refused.detail;
  EXPECT_NE(refused.detail.find(topic), std::string::npos) << refused.detail;
  EXPECT_EQ(partition_count_of(topic), 2);

  BusOptions options = kafka_bus_options(brokers);
  options.topics[topic].strategy = TopicStrategy::create_or_update;
  options.topics[topic].partitions = 5;
  options.topics[topic].allow_partition_increase = true;
  Bus bus(options);
  const OwnedPublishResult grown =
      bus.publish_envelope_sync(topic, kafka_test_envelope("a", 1), 20s);
  ASSERT_FALSE(grown.error) << grown.detail;
  EXPECT_EQ(partition_count_of(topic), 5);
}

TEST_F(KafkaTopicAdmin, CreateOrUpdateNeverRemovesPartitions) {
  const std::string topic = unique_name("kafka", "t");
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_only, 4).error);
  const OwnedPublishResult r = publish_with(topic, TopicStrategy::create_or_update, 2);
  EXPECT_EQ(r.error, errc::invalid_option);
  EXPECT_NE(r.detail.find("cannot remove partitions"), std::string::npos) << r.detail;
  EXPECT_EQ(partition_count_of(topic), 4);
}

// Another team's setting on the topic (here segment.ms) survives a retention change: librdkafka
// 2.0.2's AlterConfigs replaces the whole dynamic configuration, so the bus must send it back.
TEST_F(KafkaTopicAdmin, CreateOrUpdateChangesRetentionAndKeepsTheTopicsOtherSettings) {
  const std::string topic = unique_name("kafka", "t");
  HandlePtr client = make_client(RD_KAFKA_PRODUCER, brokers);
  kafka::TopicConfig none;
  std::string detail;
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_only, 1).error);
  ASSERT_FALSE(kafka::alter_topic_config(client.get(), topic, none, {{"segment.ms", "3600000"}},
                                         10s, detail))
      << detail;
  BusOptions options = kafka_bus_options(brokers);
  options.topics[topic].strategy = TopicStrategy::create_or_update;
  options.topics[topic].max_age = std::chrono::hours(2);
  {
    Bus bus(options);
    const OwnedPublishResult r = bus.publish_envelope_sync(topic, kafka_test_envelope("a", 1), 20s);
    ASSERT_FALSE(r.error) << r.detail;
  }
  kafka::TopicConfig after = config_showing(topic, "retention.ms", "7200000");
  EXPECT_EQ(after.dynamic["retention.ms"], "7200000");
  EXPECT_EQ(after.dynamic["segment.ms"], "3600000");
}

// max_age 0 means "keep forever" when the bus creates the topic too (Kafka's retention.ms -1),
// not the broker's default retention.
TEST_F(KafkaTopicAdmin, CreatedWithMaxAgeZeroKeepsForever) {
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(brokers);
  options.topics[topic].max_age = std::chrono::milliseconds(0);
  {
    Bus bus(options);
    ASSERT_FALSE(bus.publish_envelope_sync(topic, kafka_test_envelope("a", 1), 20s).error);
  }
  kafka::TopicConfig after = config_showing(topic, "retention.ms", "-1");
  EXPECT_EQ(after.dynamic["retention.ms"], "-1");
}

// min_insync_replicas is a topic setting like retention: set at creation, compared by
// validate_only. (The cluster tests create topics with 3 replicas and 2 in sync.)
TEST_F(KafkaTopicAdmin, CreatedWithMinInsyncReplicasWhichValidateOnlyCompares) {
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(brokers);
  options.topics[topic].min_insync_replicas = 1;
  {
    Bus bus(options);
    ASSERT_FALSE(bus.publish_envelope_sync(topic, kafka_test_envelope("a", 1), 20s).error);
  }
  kafka::TopicConfig after = config_showing(topic, "min.insync.replicas", "1");
  EXPECT_EQ(after.dynamic["min.insync.replicas"], "1");

  options.topics[topic].strategy = TopicStrategy::validate_only;
  options.topics[topic].min_insync_replicas = 2;
  Bus bus(options);
  const OwnedPublishResult r = bus.publish_envelope_sync(topic, kafka_test_envelope("a", 2), 20s);
  EXPECT_EQ(r.error, errc::invalid_option);
  EXPECT_NE(r.detail.find("min_insync_replicas: the topic has min.insync.replicas=1, asked 2"),
            std::string::npos)
      << r.detail;
}

TEST_F(KafkaTopicAdmin, CreateOnlyLeavesADifferentRetentionAsItIs) {
  const std::string topic = unique_name("kafka", "t");
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_only, 1).error);
  BusOptions options = kafka_bus_options(brokers);
  options.topics[topic].max_age = std::chrono::hours(2);  // strategy: the default, create_only
  LogCapture log;
  {
    Bus bus(options);
    ASSERT_FALSE(bus.publish_envelope_sync(topic, kafka_test_envelope("a", 1), 20s).error);
  }
  HandlePtr client = make_client(RD_KAFKA_PRODUCER, brokers);
  kafka::TopicConfig after;
  std::string detail;
  ASSERT_FALSE(kafka::describe_topic_config(client.get(), topic, 10s, after, detail)) << detail;
  EXPECT_EQ(after.dynamic.count("retention.ms"), 0u);
  EXPECT_NE(log.text().find("used as it is"), std::string::npos) << log.text();
}

TEST_F(KafkaTopicAdmin, ValidateOnlyFailsOnAMissingTopicAndLeavesItMissing) {
  const std::string topic = unique_name("kafka", "t");
  const OwnedPublishResult r = publish_with(topic, TopicStrategy::validate_only, 4);
  EXPECT_EQ(r.error, errc::invalid_option);
  EXPECT_NE(r.detail.find(topic), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("does not exist"), std::string::npos) << r.detail;
  // "never change the broker": checking must not have made the broker auto-create it (the test
  // broker has auto.create.topics.enable=true, as Kafka does by default).
  EXPECT_EQ(topic_partitions(brokers, topic), std::nullopt);
}

TEST_F(KafkaTopicAdmin, ValidateOnlyFailsWhenThePartitionCountDiffers) {
  const std::string topic = unique_name("kafka", "t");
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_only, 2).error);
  const OwnedPublishResult r = publish_with(topic, TopicStrategy::validate_only, 3);
  EXPECT_EQ(r.error, errc::invalid_option);
  EXPECT_NE(r.detail.find(topic), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("the topic has 2, asked 3"), std::string::npos) << r.detail;
  EXPECT_EQ(partition_count_of(topic), 2);  // and nothing was changed
}

TEST_F(KafkaTopicAdmin, ValidateOnlyAcceptsAMatchingTopic) {
  const std::string topic = unique_name("kafka", "t");
  ASSERT_FALSE(publish_with(topic, TopicStrategy::create_only, 3).error);
  const OwnedPublishResult r = publish_with(topic, TopicStrategy::validate_only, 3);
  EXPECT_FALSE(r.error) << r.detail;
}

TEST_F(KafkaTopicAdmin, SkipMakesNoBrokerCall) {
  // Called directly: a publish would let the broker auto-create the topic, which is not the
  // admin's doing. An unreachable address proves there is no round trip at all.
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(brokers);
  options.topics[topic].strategy = TopicStrategy::skip;
  options.kafka.admin_timeout = 100ms;
  HandlePtr client = make_client(RD_KAFKA_PRODUCER, "127.0.0.1:1");
  std::string detail;
  int partitions = 0;
  EXPECT_FALSE(
      kafka::ensure_kafka_topic(client.get(), options, core::Log(), topic, partitions, detail))
      << detail;
  EXPECT_EQ(partitions, -1);
  EXPECT_EQ(topic_partitions(brokers, topic), std::nullopt);
}

TEST_F(KafkaTopicAdmin, SubscribeToAMissingValidateOnlyTopicFails) {
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(brokers);
  options.group = unique_name("kafka", "g");
  options.topics[topic].strategy = TopicStrategy::validate_only;
  Bus bus(options);
  LogCapture log;
  const std::error_code ec =
      bus.subscribe(topic, [](const Message&) { return HandlerResult::ok(); }).error();
  EXPECT_EQ(ec, errc::invalid_option);
  const std::string text = log.text();
  EXPECT_NE(text.find(topic + ": does not exist"), std::string::npos) << text;
  EXPECT_EQ(topic_partitions(brokers, topic), std::nullopt);
}

TEST_F(KafkaTopicAdmin, RefusedProducerPropertyMakesTheBusThrowWithoutTheValue) {
  BusOptions options = kafka_bus_options(brokers);
  options.kafka.producer_properties["security.protocol"] = "hunter2-secret";  // not a protocol
  try {
    Bus bus(options);
    FAIL() << "the bus accepted an invalid security.protocol";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), errc::invalid_option);
    EXPECT_NE(std::string(e.what()).find("security.protocol"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
  options.kafka.producer_properties = {{"no.such.property", "hunter2-secret"}};
  try {
    Bus bus(options);
    FAIL() << "the bus accepted an unknown property";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), errc::invalid_option);
    EXPECT_NE(std::string(e.what()).find("no.such.property"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
}

// A consumer property librdkafka refuses fails the bus at construction (not at its first
// subscribe), naming the property and never its value, which may be a secret.
TEST_F(KafkaTopicAdmin, RefusedConsumerPropertyFailsConstructionWithoutTheValue) {
  BusOptions options = kafka_bus_options(brokers);
  options.group = unique_name("kafka", "g");
  options.kafka.consumer_properties["security.protocol"] = "hunter2-secret";
  try {
    Bus bus(options);
    FAIL() << "a refused consumer property was accepted";
  } catch (const std::system_error& e) {
    const std::string text = e.what();
    EXPECT_EQ(e.code(), make_error_code(errc::invalid_option)) << text;
    EXPECT_NE(text.find("security.protocol"), std::string::npos) << text;
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace eventbus::testing
