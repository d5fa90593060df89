// SPDX-License-Identifier: Apache-2.0
// Go agreement of the Kafka partitioner, without a broker: the Go SDK's sarama hash partitioner
// (FNV-1a 32-bit of the key, as a signed int32, Go's truncated remainder by the partition
// count, then the absolute value) must pick the same partition as librdkafka's fnv1a
// partitioner, and our producer configuration must really select it.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <random>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "eventbus/error.hpp"
#include "kafka/sarama_partition.hpp"
#include "transport/kafka/kafka_config.hpp"

namespace {

using eventbus::testing::fnv1a32;
using eventbus::testing::hash_top_bit_set;
using eventbus::testing::sarama_partition;

std::int32_t librdkafka_partition(const std::string& key, std::int32_t partitions) {
  return rd_kafka_msg_partitioner_fnv1a(nullptr, key.data(), key.size(), partitions, nullptr,
                                        nullptr);
}

// Aggregate-id-like keys plus random byte strings (any byte, lengths 0..40).
std::vector<std::string> sample_keys() {
  std::vector<std::string> keys = {"", "a", "order-42", "customer:7", "tenant/3/invoice-9"};
  for (int i = 0; i < 300; ++i)
    keys.push_back("aggregate-" + std::to_string(i));
  std::mt19937 random(20261124);
  for (int i = 0; i < 300; ++i) {
    std::string key(random() % 41, '\0');
    for (char& c : key)
      c = static_cast<char>(random() % 256);
    keys.push_back(key);
  }
  return keys;
}

TEST(KafkaPartitioner, ReferenceImplementationMatchesKnownFnv1aHashes) {
  // Published FNV-1a 32 test values: the reference in sarama_partition.hpp is the real FNV-1a.
  EXPECT_EQ(fnv1a32(""), 0x811c9dc5u);
  EXPECT_EQ(fnv1a32("a"), 0xe40c292cu);
  EXPECT_EQ(fnv1a32("foobar"), 0xbf9cf968u);
}

TEST(KafkaPartitioner, HardCodedVectorsFromTheSaramaDefinition) {
  struct Vector {
    const char* key;
    std::int32_t partitions;
    std::int32_t expected;
  };
  // Computed independently (Python) from the definition; most of these hashes have the top bit
  // set, where a plain unsigned remainder may pick another partition.
  const Vector vectors[] = {
      {"order-42", 7, 4},      {"order-42", 64, 52},
      {"order-1", 12, 1},      {"a", 7, 6},
      {"a", 64, 20},           {"customer:7", 12, 10},
      {"customer:7", 64, 22},  {"tenant/3/invoice-9", 64, 63},
      {"aggregate-0", 12, 11}, {"aggregate-1", 7, 5},
      {"aggregate-3", 64, 60}, {"foobar", 7, 4},
      {"kafka", 64, 33},       {"x", 3, 1},
  };
  for (const Vector& v : vectors) {
    SCOPED_TRACE(std::string(v.key) + " / " + std::to_string(v.partitions));
    EXPECT_EQ(sarama_partition(v.key, v.partitions), v.expected);
    EXPECT_EQ(librdkafka_partition(v.key, v.partitions), v.expected);
  }
}

TEST(KafkaPartitioner, LibrdkafkaFnv1aAgreesWithSaramaForEveryPartitionCount) {
  const std::vector<std::string> keys = sample_keys();
  std::size_t top_bit_keys = 0, unsigned_would_differ = 0;
  for (const std::string& key : keys) {
    if (hash_top_bit_set(key)) ++top_bit_keys;
    for (std::int32_t partitions = 1; partitions <= 64; ++partitions) {
      const std::int32_t expected = sarama_partition(key, partitions);
      ASSERT_EQ(librdkafka_partition(key, partitions), expected)
          << "key of " << key.size() << " bytes, hash " << std::hex << fnv1a32(key) << std::dec
          << ", " << partitions << " partitions";
      if (static_cast<std::int32_t>(fnv1a32(key) % static_cast<std::uint32_t>(partitions)) !=
          expected) {
        ++unsigned_would_differ;
      }
    }
  }
  // The interesting half of the input space is covered: hashes that are negative as int32,
  // where sarama's signed arithmetic differs from an unsigned remainder.
  EXPECT_GT(top_bit_keys, keys.size() / 4);
  EXPECT_GT(unsigned_would_differ, 0u);
}

TEST(KafkaPartitioner, ProducerConfigSelectsFnv1aRandom) {
  eventbus::BusOptions options;
  options.transport = "kafka";
  eventbus::kafka::ConfPtr conf = eventbus::kafka::producer_config(options);
  char value[64] = {};
  size_t size = sizeof value;
  ASSERT_EQ(rd_kafka_conf_get(conf.get(), "partitioner", value, &size), RD_KAFKA_CONF_OK);
  EXPECT_STREQ(value, "fnv1a_random");
}

// What a report says is what the consumer is given: "auto" by the librdkafka in the process
// (eager before 2.10, librdkafka#4059), an explicit choice as it is.
TEST(KafkaConfig, ResolvedAssignmentStrategyIsWhatTheConsumerIsGiven) {
  eventbus::BusOptions options;
  const std::string expected_auto =
      rd_kafka_version() >= 0x020a0000 ? "cooperative-sticky" : "range,roundrobin";
  EXPECT_EQ(eventbus::resolved_assignment_strategy(options.kafka), expected_auto);
  for (const std::string chosen : {"auto", "roundrobin", "cooperative-sticky"}) {
    SCOPED_TRACE(chosen);
    options.kafka.assignment_strategy = chosen;
    eventbus::kafka::ConfPtr conf = eventbus::kafka::consumer_config(options, "group");
    char value[64] = {};
    size_t size = sizeof value;
    ASSERT_EQ(rd_kafka_conf_get(conf.get(), "partition.assignment.strategy", value, &size),
              RD_KAFKA_CONF_OK);
    EXPECT_EQ(value, eventbus::resolved_assignment_strategy(options.kafka));
    if (chosen != "auto") {
      EXPECT_EQ(value, chosen);
    }
  }
}

// A refused property is named, its value (maybe a secret) is not: both for a name librdkafka
// does not know and for a value it refuses (whose message quotes the value).
TEST(KafkaConfig, RefusedPropertyErrorNamesThePropertyButNotItsValue) {
  const std::pair<const char*, const char*> bad[] = {{"no.such.property", "s3cret-value"},
                                                     {"security.protocol", "s3cret-value"}};
  for (const auto& [name, value] : bad) {
    SCOPED_TRACE(name);
    eventbus::BusOptions options;
    options.kafka.producer_properties[name] = value;
    try {
      eventbus::kafka::producer_config(options);
      ADD_FAILURE() << "librdkafka accepted " << name;
    } catch (const std::system_error& e) {
      EXPECT_EQ(e.code(), eventbus::errc::invalid_option);
      EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find(value), std::string::npos) << e.what();
    }
  }
}

}  // namespace
