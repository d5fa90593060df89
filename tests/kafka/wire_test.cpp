// SPDX-License-Identifier: Apache-2.0
// What the bus puts on a Kafka broker, read back with a plain librdkafka consumer: WIRE.md's
// key and headers on envelope records, none on raw records, and the partition a Go (sarama)
// producer would choose for the same aggregate id.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "kafka/kafka_test.hpp"
#include "kafka/sarama_partition.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

class KafkaWire : public ::testing::Test {
 protected:
  std::string brokers = fixture_brokers();
};

TEST_F(KafkaWire, EnvelopeRecordCarriesKeyAndEveryHeader) {
  const std::string topic = unique_name("kafka", "t");
  Bus bus(kafka_bus_options(brokers));
  Envelope e = kafka_test_envelope("order-42", 7);
  e.trace_id = "trace-abc";
  e.correlation_id = "corr-xyz";
  e.tenant_id = 31;
  const OwnedPublishResult r = bus.publish_envelope_sync(topic, e, 20s);
  ASSERT_FALSE(r.error) << r.detail;

  const std::vector<RawRecord> records = read_records(brokers, topic, 1, 20s);
  ASSERT_EQ(records.size(), 1u);
  const RawRecord& record = records[0];
  EXPECT_EQ(record.partition, r.partition);
  EXPECT_EQ(record.offset, r.offset);
  EXPECT_EQ(record.key, std::optional<std::string>("order-42"));
  EXPECT_EQ(record.header("X-Event-ID"), e.event_id);
  EXPECT_EQ(record.header("X-Aggregate-ID"), std::optional<std::string>("order-42"));
  EXPECT_EQ(record.header("X-Event-Version"), std::optional<std::string>("7"));
  EXPECT_EQ(record.header("X-Event-Type"), std::optional<std::string>("TestEvent"));
  EXPECT_EQ(record.header("X-Trace-ID"), std::optional<std::string>("trace-abc"));
  EXPECT_EQ(record.header("X-Correlation-ID"), std::optional<std::string>("corr-xyz"));
  EXPECT_EQ(record.header("X-Tenant-ID"), std::optional<std::string>("31"));
  EXPECT_EQ(record.headers.size(), 7u);  // and nothing else
  EXPECT_NE(record.value.find(R"("event_id":")" + e.event_id + '"'), std::string::npos);
}

TEST_F(KafkaWire, OptionalHeadersAreLeftOutWhenUnset) {
  const std::string topic = unique_name("kafka", "t");
  Bus bus(kafka_bus_options(brokers));
  Envelope e = make_envelope("order-43", "OrderPlaced", 1, "{}");  // no trace, correlation, tenant
  ASSERT_FALSE(bus.publish_envelope_sync(topic, e, 20s).error);

  const std::vector<RawRecord> records = read_records(brokers, topic, 1, 20s);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].header("X-Event-Version"), std::optional<std::string>("1"));
  EXPECT_FALSE(records[0].header("X-Trace-ID"));
  EXPECT_FALSE(records[0].header("X-Correlation-ID"));
  EXPECT_FALSE(records[0].header("X-Tenant-ID"));
  EXPECT_EQ(records[0].headers.size(), 4u);
}

TEST_F(KafkaWire, RawRecordHasNoKeyAndNoHeaders) {
  const std::string topic = unique_name("kafka", "t");
  Signal done;  // before the bus: its completions use these until the bus is gone
  std::error_code error;
  bool fired = false;
  Bus bus(kafka_bus_options(brokers));
  ASSERT_FALSE(bus.publish(topic, "plain bytes", [&](const PublishResult& r) {
    done.update([&] {
      error = r.error;
      fired = true;
    });
  }));
  ASSERT_TRUE(done.wait_for(20s, [&] { return fired; }));
  ASSERT_FALSE(error) << error.message();

  const std::vector<RawRecord> records = read_records(brokers, topic, 1, 20s);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, std::nullopt);
  EXPECT_TRUE(records[0].headers.empty());
  EXPECT_EQ(records[0].value, "plain bytes");
}

// WIRE.md's X-Trace-ID stays the envelope's trace_id; a W3C trace id also gets a traceparent
// carrying it (Go readers ignore the extra header). A raw record carries only the call's.
TEST_F(KafkaWire, W3CTraceIdAddsATraceparentBesideXTraceId) {
  const std::string topic = unique_name("kafka", "t");
  Signal done;  // before the bus: its completions use it until the bus is gone
  bool fired = false;
  Bus bus(kafka_bus_options(brokers));
  Envelope e = kafka_test_envelope("order-44", 1);
  e.trace_id = "0af7651916cd43dd8448eb211c80319c";
  ASSERT_FALSE(bus.publish_envelope_sync(topic, e, 20s).error);
  PublishCall call;
  call.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
  ASSERT_FALSE(bus.publish(
      topic, "plain", [&](const PublishResult&) { done.update([&] { fired = true; }); }, call));
  ASSERT_TRUE(done.wait_for(20s, [&] { return fired; }));

  std::vector<RawRecord> records = read_records(brokers, topic, 2, 20s);
  ASSERT_EQ(records.size(), 2u);
  if (records[0].value == "plain") std::swap(records[0], records[1]);
  EXPECT_EQ(records[0].header("X-Trace-ID"), std::optional<std::string>(e.trace_id));
  const auto traceparent = records[0].header("traceparent");
  ASSERT_TRUE(traceparent.has_value());
  const auto context = parse_traceparent(*traceparent);
  ASSERT_TRUE(context.has_value()) << *traceparent;
  EXPECT_EQ(context->trace_id, e.trace_id);
  EXPECT_EQ(records[0].headers.size(), 6u);  // the 4 always-there, X-Trace-ID, traceparent
  EXPECT_EQ(records[1].key, std::nullopt);
  ASSERT_EQ(records[1].headers.size(), 1u);
  EXPECT_EQ(records[1].header("traceparent"), std::optional<std::string>(call.traceparent));
}

// The bus's own consumer hands the key and headers to a raw handler unchanged.
TEST_F(KafkaWire, RawSubscriberSeesKeyAndHeaders) {
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(brokers);
  options.group = unique_name("kafka", "g");
  Signal seen;  // before the bus: its handler uses these until the bus is gone
  std::string key;
  std::map<std::string, std::string> headers;
  bool got = false;
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe(topic,
                             [&](const Message& m) {
                               seen.update([&] {
                                 key = m.key;
                                 for (const auto& [n, v] : m.headers)
                                   headers[n] = v;
                                 got = true;
                               });
                               return HandlerResult::ok();
                             })
                   .error());
  Envelope e = kafka_test_envelope("customer:7", 3);
  e.tenant_id = 5;
  ASSERT_FALSE(bus.publish_envelope_sync(topic, e, 20s).error);
  ASSERT_TRUE(seen.wait_for(30s, [&] { return got; }));
  std::lock_guard lock(seen.mutex());
  EXPECT_EQ(key, "customer:7");
  EXPECT_EQ(headers["X-Aggregate-ID"], "customer:7");
  EXPECT_EQ(headers["X-Event-ID"], e.event_id);
  EXPECT_EQ(headers["X-Event-Version"], "3");
  EXPECT_EQ(headers["X-Tenant-ID"], "5");
}

// A C++ producer and a Go producer put an aggregate into the same partition, so one aggregate's
// events stay in order whichever language wrote them.
TEST_F(KafkaWire, PartitionOfEveryAggregateMatchesSarama) {
  const std::string topic = unique_name("kafka", "t");
  constexpr int kPartitions = 7;
  BusOptions options = kafka_bus_options(brokers);
  options.topics[topic].partitions = kPartitions;
  Signal done;  // before the bus: its completions use these until the bus is gone
  std::map<std::string, std::int32_t> partition_of;  // aggregate id -> partition stored in
  std::vector<std::string> errors;
  Bus bus(options);
  ASSERT_NO_FATAL_FAILURE(warm_up_partitions(bus, topic, kPartitions));

  std::vector<std::string> aggregates = {"order-42", "a", "customer:7", "tenant/3/invoice-9"};
  for (int i = 0; i < 60; ++i)
    aggregates.push_back("aggregate-" + std::to_string(i));
  std::size_t top_bit = 0;
  for (const auto& a : aggregates)
    top_bit += hash_top_bit_set(a) ? 1 : 0;
  ASSERT_GE(top_bit, 10u) << "the set must include hashes that are negative as int32";

  for (const auto& aggregate : aggregates) {
    ASSERT_FALSE(
        bus.publish_envelope(topic, kafka_test_envelope(aggregate, 1), [&](const PublishResult& r) {
          done.update([&] {
            partition_of[std::string(r.aggregate_id)] = r.partition;
            if (r.error) errors.push_back(std::string(r.detail));
          });
        }));
  }
  ASSERT_TRUE(done.wait_for(30s, [&] { return partition_of.size() == aggregates.size(); }));
  std::lock_guard lock(done.mutex());
  EXPECT_TRUE(errors.empty()) << errors.front();
  std::set<std::int32_t> used;
  for (const auto& aggregate : aggregates) {
    EXPECT_EQ(partition_of[aggregate], sarama_partition(aggregate, kPartitions))
        << aggregate << " (fnv1a " << std::hex << fnv1a32(aggregate) << ")";
    used.insert(partition_of[aggregate]);
  }
  EXPECT_EQ(used.size(), static_cast<std::size_t>(kPartitions));  // the topic has 7 partitions
}

}  // namespace
}  // namespace eventbus::testing
