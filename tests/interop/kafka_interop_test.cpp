// SPDX-License-Identifier: Apache-2.0
// A C++ service on this bus and a Go service on the Go SDK's client library (sarama v1.46.0,
// tests/interop/goservice) share Kafka topics on a real broker, in both directions: the Go
// service's topic keeps its partitions, every envelope field and header arrives as sent, each
// aggregate keeps its order, and both pick the same partition for a key.
#include <fstream>
#include <mutex>
#include <set>

#include "interop/go_service.hpp"
#include "kafka/kafka_test.hpp"
#include "support/order_tracker.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

constexpr int kMessages = 10000;
constexpr int kAggregates = 200;

std::string go_partitions(const std::string& brokers, const std::string& topic) {
  const GoRun run = run_go({"kafka-describe-topic", "--brokers", brokers, "--topic", topic});
  if (run.exit_status != 0 || run.lines.empty()) return "(describe failed)";
  return std::to_string(run.lines[0]["partitions"].get<int>());
}

void go_create_topic(const std::string& brokers, const std::string& topic, int partitions) {
  const GoRun run = run_go({"kafka-create-topic", "--brokers", brokers, "--topic", topic,
                            "--partitions", std::to_string(partitions)});
  ASSERT_EQ(run.exit_status, 0);
}

BusOptions default_options(const std::string& brokers) {
  BusOptions options = kafka_bus_options(brokers);  // TopicOptions left as they come
  options.group = unique_name("kafka", "g");
  return options;
}

struct Received {
  std::string payload;
  Envelope envelope;
  std::int32_t partition;
  std::string key;
  Headers headers;
};

// The reported harm: a subscriber with default options grew the Go service's 3-partition
// topic to 4, moving aggregates between partitions for both services.
TEST(KafkaInterop, DefaultOptionsLeaveTheGoServicesTopicWithItsPartitions) {
  const std::string brokers = fixture_brokers();
  const std::string topic = unique_name("kafka", "t");
  go_create_topic(brokers, topic, 3);
  Bus bus(default_options(brokers));
  ASSERT_FALSE(bus.subscribe_envelope(
                      topic, [](const Envelope&, const Message&) { return HandlerResult::ok(); })
                   .error());
  for (int i = 0; i < 100; ++i) {
    const auto r = bus.publish_envelope_sync(topic, cpp_envelope("p", i, 10), 20s);
    ASSERT_FALSE(r.error) << r.detail;
    ASSERT_LT(r.partition, 3);
  }
  EXPECT_FALSE(bus.close(10s).error);
  EXPECT_EQ(go_partitions(brokers, topic), "3");
}

TEST(KafkaInterop, GoProducedEnvelopesArriveWholeInOrderOnTheirPartitions) {
  const std::string brokers = fixture_brokers();
  const std::string topic = unique_name("kafka", "t");
  go_create_topic(brokers, topic, 3);
  const GoRun sent =
      run_go({"kafka-produce", "--brokers", brokers, "--topic", topic, "--run", "k1", "--count",
              std::to_string(kMessages), "--aggregates", std::to_string(kAggregates)});
  ASSERT_EQ(sent.exit_status, 0);
  ASSERT_EQ(sent.lines.size(), static_cast<std::size_t>(kMessages));

  Signal signal;
  std::map<std::string, Received> received;
  OrderTracker order;
  Bus bus(default_options(brokers));
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message& m) {
                                        order.record(e.aggregate_id, e.event_version, e.event_id);
                                        signal.update([&] {
                                          received.emplace(
                                              e.event_id,
                                              Received{std::string(m.payload),
                                                       e,
                                                       m.partition,
                                                       std::string(m.key),
                                                       {m.headers.begin(), m.headers.end()}});
                                        });
                                        return HandlerResult::ok();
                                      })
                   .error());
  ASSERT_TRUE(signal.wait_for(120s, [&] { return received.size() == kMessages; }))
      << received.size() << " of " << kMessages;
  EXPECT_FALSE(bus.close(10s).error);

  int fields_compared = 0;
  for (const auto& line : sent.lines) {
    const auto it = received.find(line["event_id"].get<std::string>());
    ASSERT_NE(it, received.end()) << line.dump();
    const Received& r = it->second;
    const std::string value = line["value"].get<std::string>();
    EXPECT_EQ(r.payload, value);  // the bytes as the Go service wrote them
    const DecodeResult go = decode(value);
    ASSERT_TRUE(go) << go.error.detail;
    EXPECT_EQ(r.envelope, go.envelope);  // all nine fields, timestamp zone and nanoseconds too
    fields_compared += 9;
    EXPECT_EQ(r.partition, line["partition"].get<int>());
    EXPECT_EQ(r.key, r.envelope.aggregate_id);
  }
  // Spot-check what the Go SDK's records carry beyond the value.
  const Received& first = received.at("go-k1-0");
  EXPECT_EQ(first.envelope.timestamp.offset_minutes, 480);
  EXPECT_EQ(first.envelope.tenant_id, 1);
  const std::set<std::string> names = [&] {
    std::set<std::string> s;
    for (const auto& [name, value] : first.headers)
      s.insert(name);
    return s;
  }();
  for (const char* h : {"X-Event-ID", "X-Aggregate-ID", "X-Event-Version", "X-Event-Type",
                        "X-Trace-ID", "X-Correlation-ID", "X-Tenant-ID"}) {
    EXPECT_EQ(names.count(h), 1u) << h;
  }
  EXPECT_EQ(order.order_violations(), 0u);
  EXPECT_EQ(order.duplicates(), 0u);
  EXPECT_EQ(go_partitions(brokers, topic), "3");
  std::printf("[ interop  ] go->c++ kafka: %d envelopes, %d fields compared, 0 order violations\n",
              kMessages, fields_compared);
}

TEST(KafkaInterop, CppPublishedEnvelopesReachTheGoConsumerWholeInOrder) {
  const std::string brokers = fixture_brokers();
  const std::string topic = unique_name("kafka", "t");
  go_create_topic(brokers, topic, 3);
  std::vector<Envelope> envelopes;
  for (int i = 0; i < kMessages; ++i)
    envelopes.push_back(cpp_envelope("k2", i, kAggregates));
  Signal signal;
  std::map<std::string, std::int32_t> partitions;  // event id -> where the broker stored it
  int failed = 0;
  {
    Bus bus(default_options(brokers));
    for (const Envelope& e : envelopes) {
      ASSERT_FALSE(bus.publish_envelope(topic, e, [&](const PublishResult& r) {
        signal.update([&] {
          if (r.error) ++failed;
          partitions[std::string(r.event_id)] = r.partition;
        });
      }));
    }
    ASSERT_TRUE(signal.wait_for(60s, [&] { return partitions.size() == kMessages; }));
    EXPECT_FALSE(bus.close(10s).error);
  }
  ASSERT_EQ(failed, 0);

  const GoRun got = run_go({"kafka-consume", "--brokers", brokers, "--topic", topic, "--group",
                            unique_name("kafka", "go"), "--count", std::to_string(kMessages),
                            "--timeout-ms", "60000"});
  ASSERT_EQ(got.exit_status, 0);
  ASSERT_EQ(got.lines.size(), static_cast<std::size_t>(kMessages));
  OrderTracker order;
  std::set<std::string> seen;
  for (const auto& line : got.lines) {
    const nlohmann::json& d = line["decoded"];
    ASSERT_TRUE(d.value("ok", false)) << line.dump();
    const std::string id = d["event_id"];
    const int i = std::stoi(id.substr(id.rfind('-') + 1));
    const Envelope& e = envelopes.at(static_cast<std::size_t>(i));
    expect_go_decoded(d, e);
    EXPECT_EQ(line["key"], e.aggregate_id);
    EXPECT_EQ(line["partition"], partitions.at(id));
    const nlohmann::json& h = line["headers"];
    EXPECT_EQ(h["X-Event-ID"], e.event_id);
    EXPECT_EQ(h["X-Aggregate-ID"], e.aggregate_id);
    EXPECT_EQ(h["X-Event-Version"], std::to_string(e.event_version));
    EXPECT_EQ(h["X-Event-Type"], e.event_type);
    EXPECT_EQ(h["X-Trace-ID"], e.trace_id);
    EXPECT_EQ(h["X-Correlation-ID"], e.correlation_id);
    EXPECT_EQ(h["X-Tenant-ID"], std::to_string(e.tenant_id));
    order.record(e.aggregate_id, e.event_version, id);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMessages));
  EXPECT_EQ(order.order_violations(), 0u);
  EXPECT_EQ(go_partitions(brokers, topic), "3");
}

// sarama's hash partitioner (the Go SDK's) against the partition this bus's producer really
// used, for the same keys on topics of 3, 5 and 12 partitions.
TEST(KafkaInterop, BothServicesPickTheSamePartitionForEveryKey) {
  const std::string brokers = fixture_brokers();
  TempDir dir;
  const std::string keys_file = dir.path() + "/keys";
  {
    std::ofstream keys(keys_file);
    for (int i = 0; i < kMessages; ++i)
      keys << "key-" << i << ":" << (i * 7919) % 104729 << "\n";
  }
  int agreed = 0;
  for (int partitions : {3, 5, 12}) {
    const std::string topic = unique_name("kafka", "t" + std::to_string(partitions));
    go_create_topic(brokers, topic, partitions);
    const GoRun go = run_go(
        {"partitions", "--partitions", std::to_string(partitions), "--keys-file", keys_file});
    ASSERT_EQ(go.exit_status, 0);
    ASSERT_EQ(go.lines.size(), static_cast<std::size_t>(kMessages));
    Signal signal;
    std::map<std::string, std::int32_t> ours;
    Bus bus(default_options(brokers));
    for (const auto& line : go.lines) {
      Envelope e = make_envelope(line["key"], "Keyed", 1, "{}");
      ASSERT_FALSE(bus.publish_envelope(topic, e, [&](const PublishResult& r) {
        signal.update([&] { ours[std::string(r.aggregate_id)] = r.error ? -1 : r.partition; });
      }));
    }
    ASSERT_TRUE(signal.wait_for(60s, [&] { return ours.size() == kMessages; }));
    EXPECT_FALSE(bus.close(10s).error);
    for (const auto& line : go.lines) {
      const bool same = ours.at(line["key"]) == line["partition"].get<int>();
      EXPECT_TRUE(same) << line.dump() << " vs " << ours.at(line["key"]);
      agreed += same ? 1 : 0;
    }
  }
  std::printf("[ interop  ] kafka partitions agreed for %d of %d keys (3, 5, 12 partitions)\n",
              agreed, 3 * kMessages);
}

}  // namespace
}  // namespace eventbus::testing
