// SPDX-License-Identifier: Apache-2.0
// Bus::read on a real Kafka broker: where a read starts (beginning, time, end, a group's
// position), where it ends (the high watermarks of its start, or a stop when following), what
// it commits (only a group's, only with `commit`), and a topic it must not create. Then the
// dead letters of a failing handler, listed and replayed once the handler is fixed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "kafka/kafka_test.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using std::chrono::system_clock;

std::optional<std::string> header_of(const Headers& headers, const std::string& name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

bool warm_up_record(const StoredMessage& m) {
  return header_of(m.headers, "X-Event-Type") == kWarmUpEventType;
}

// The groups that hold a committed offset of `topic`: every group the broker lists, each asked
// for its offsets with an admin request of its own.
std::vector<std::string> groups_committed_on(const std::string& brokers, const std::string& topic) {
  HandlePtr admin = make_client(RD_KAFKA_PRODUCER, brokers);
  const rd_kafka_group_list* groups = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_list_groups(admin.get(), nullptr, &groups, 10000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(std::string("list groups: ") + rd_kafka_err2str(err));
  }
  std::vector<std::string> found;
  for (int g = 0; g < groups->group_cnt; ++g) {
    const char* name = groups->groups[g].group;
    rd_kafka_ListConsumerGroupOffsets_t* request =
        rd_kafka_ListConsumerGroupOffsets_new(name, nullptr);
    kafka::QueuePtr queue(rd_kafka_queue_new(admin.get()));
    rd_kafka_ListConsumerGroupOffsets(admin.get(), &request, 1, nullptr, queue.get());
    rd_kafka_ListConsumerGroupOffsets_destroy(request);
    kafka::EventPtr event(rd_kafka_queue_poll(queue.get(), 10000));
    if (!event) throw std::runtime_error(std::string("no offsets of group ") + name);
    size_t count = 0;
    const rd_kafka_group_result_t** results = rd_kafka_ListConsumerGroupOffsets_result_groups(
        rd_kafka_event_ListConsumerGroupOffsets_result(event.get()), &count);
    for (size_t i = 0; i < count; ++i) {
      const rd_kafka_topic_partition_list_t* parts = rd_kafka_group_result_partitions(results[i]);
      for (int p = 0; parts != nullptr && p < parts->cnt; ++p) {
        if (topic == parts->elems[p].topic && parts->elems[p].offset >= 0) found.emplace_back(name);
      }
    }
  }
  rd_kafka_group_list_destroy(groups);
  return found;
}

class KafkaRead : public ::testing::Test {
 protected:
  // A bus that creates `topic` with `partitions` and stores one warm-up record in each.
  std::unique_ptr<Bus> producer_for(const std::string& topic, int partitions) {
    BusOptions options = kafka_bus_options(brokers);
    options.topics[topic].partitions = partitions;
    auto bus = std::make_unique<Bus>(options);
    warm_up_partitions(*bus, topic, partitions);
    return bus;
  }

  // A raw record with a key and two headers, waiting for its ack.
  static PublishResult publish(Bus& bus, const std::string& topic, const std::string& key,
                               const std::string& payload) {
    PublishCall call;
    call.key = key;
    call.headers = {{"h-payload", payload}, {"h-fixed", "x"}};
    Signal signal;
    std::optional<PublishResult> result;
    const std::error_code refused = bus.publish(
        topic, payload,
        [&](const PublishResult& r) {
          signal.update([&] {
            result = r;
            result->topic = result->event_id = result->aggregate_id = result->detail =
                result->stream = {};  // views, valid only during the call
          });
        },
        call);
    EXPECT_FALSE(refused) << refused.message();
    EXPECT_TRUE(signal.wait_for(30s, [&] { return result.has_value(); }));
    EXPECT_FALSE(result->error) << result->error.message();
    return *result;
  }

  // Reads `topic` as `options` says; the warm-up records are left out of `out` (but counted in
  // the result's `read`).
  ReadResult read(Bus& bus, const std::string& topic, const ReadOptions& options,
                  std::vector<StoredMessage>& out,
                  const std::function<ReadStep(const StoredMessage&)>& then = {}) {
    return bus.read(topic, options, [&](const StoredMessage& m) {
      if (warm_up_record(m)) return ReadStep::next;
      out.push_back(m);
      return then ? then(m) : ReadStep::next;
    });
  }

  std::string brokers = fixture_brokers();
};

TEST_F(KafkaRead, AnonymousFromTheBeginningReadsEveryRecordInOrderAndCommitsNothing) {
  const std::string topic = unique_name("kafka", "t");
  auto producer = producer_for(topic, 3);
  std::map<std::pair<std::int32_t, std::int64_t>, std::string> published;  // where -> payload
  const auto before = system_clock::now() - 1s;  // record timestamps have ms resolution
  for (int i = 0; i < 12; ++i) {
    const std::string payload = "p-" + std::to_string(i);
    const PublishResult r = publish(*producer, topic, "k-" + std::to_string(i), payload);
    published[{r.partition, r.offset}] = payload;
  }
  const auto after = system_clock::now() + 1s;

  Bus reader(kafka_bus_options(brokers));
  std::vector<StoredMessage> got;
  const ReadResult result = read(reader, topic, ReadOptions{}, got);
  ASSERT_FALSE(result.error) << result.detail;
  EXPECT_EQ(result.read, 12u + 3u);  // and the warm-up record of each partition
  ASSERT_EQ(got.size(), 12u);
  std::map<std::int32_t, std::int64_t> last_offset;
  std::set<std::int32_t> partitions;
  for (const StoredMessage& m : got) {
    ASSERT_EQ(published.count({m.partition, m.offset}), 1u) << m.partition << ":" << m.offset;
    const std::string& payload = published.at({m.partition, m.offset});
    EXPECT_EQ(m.topic, topic);
    EXPECT_EQ(m.payload, payload);
    EXPECT_EQ(m.key, "k-" + payload.substr(2));
    EXPECT_EQ(m.headers, (Headers{{"h-payload", payload}, {"h-fixed", "x"}}));
    EXPECT_GE(m.stored_at, before);
    EXPECT_LE(m.stored_at, after);
    if (last_offset.count(m.partition) != 0) {
      EXPECT_GT(m.offset, last_offset[m.partition]);
    }
    last_offset[m.partition] = m.offset;
    partitions.insert(m.partition);
  }
  EXPECT_GT(partitions.size(), 1u);  // the keys spread over several partitions
  EXPECT_EQ(groups_committed_on(brokers, topic), std::vector<std::string>{});
}

TEST_F(KafkaRead, FromATimeSkipsOlderRecords) {
  const std::string topic = unique_name("kafka", "t");
  auto producer = producer_for(topic, 2);
  for (int i = 0; i < 3; ++i)
    publish(*producer, topic, "old-" + std::to_string(i), "old");
  // Acked, so stored before `since`; the next ones are stamped at least a millisecond later.
  const auto since = system_clock::now();
  ASSERT_TRUE(poll_until(1s, [&] { return system_clock::now() >= since + 2ms; }));
  for (int i = 0; i < 4; ++i)
    publish(*producer, topic, "new-" + std::to_string(i), "new");

  Bus reader(kafka_bus_options(brokers));
  ReadOptions options;
  options.from = ReadFrom::time;
  options.since = since;
  std::vector<StoredMessage> got;
  const ReadResult result = read(reader, topic, options, got);
  ASSERT_FALSE(result.error) << result.detail;
  ASSERT_EQ(got.size(), 4u);
  for (const StoredMessage& m : got)
    EXPECT_EQ(m.payload, "new");
}

TEST_F(KafkaRead, FromTheEndFollowingSeesOnlyNewRecordsAndReturnsPromptlyOnStop) {
  const std::string topic = unique_name("kafka", "t");
  auto producer = producer_for(topic, 2);
  publish(*producer, topic, "old-1", "old");
  publish(*producer, topic, "old-2", "old");

  Bus reader(kafka_bus_options(brokers));
  ReadOptions options;
  options.from = ReadFrom::end;
  options.follow = true;
  std::stop_source stop;
  Signal signal;
  std::vector<std::string> seen;
  std::optional<ReadResult> result;
  std::thread reading([&] {
    ReadResult r = reader.read(
        topic, options,
        [&](const StoredMessage& m) {
          signal.update([&] { seen.push_back(m.payload); });
          return ReadStep::next;
        },
        stop.get_token());
    signal.update([&] { result = std::move(r); });
  });
  // The read takes its end when its setup runs, which the test cannot see: new records are
  // published until one arrives, each given a moment; the old ones must never come.
  bool arrived = false;
  for (int i = 0; i < 20 && !arrived; ++i) {
    publish(*producer, topic, "new-" + std::to_string(i), "new-" + std::to_string(i));
    arrived = signal.wait_for(1s, [&] { return !seen.empty() || result.has_value(); });
  }
  ASSERT_TRUE(arrived);
  publish(*producer, topic, "last", "last");
  EXPECT_TRUE(signal.wait_for(20s, [&] { return !seen.empty() && seen.back() == "last"; }));
  const auto stop_at = std::chrono::steady_clock::now();
  stop.request_stop();
  EXPECT_TRUE(signal.wait_for(5s, [&] { return result.has_value(); }));
  const auto took = std::chrono::steady_clock::now() - stop_at;
  reading.join();
  EXPECT_LT(took, 1s);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->error) << result->detail;
  EXPECT_EQ(result->read, seen.size());
  for (const std::string& payload : seen)
    EXPECT_NE(payload, "old");
}

TEST_F(KafkaRead, AGroupThatCommitsResumesAtTheRecordItStoppedAt) {
  const std::string topic = unique_name("kafka", "t");
  const std::string group = unique_name("kafka", "g");
  auto producer = producer_for(topic, 1);
  std::vector<std::int64_t> offsets;
  offsets.reserve(5);
  for (int i = 0; i < 5; ++i)
    offsets.push_back(publish(*producer, topic, "k", "m-" + std::to_string(i)).offset);

  Bus reader(kafka_bus_options(brokers));
  ReadOptions options;
  options.group = group;
  options.commit = true;
  std::vector<StoredMessage> first;
  const ReadResult stopped = read(reader, topic, options, first, [](const StoredMessage& m) {
    return m.payload == "m-3" ? ReadStep::stop : ReadStep::next;
  });
  ASSERT_FALSE(stopped.error) << stopped.detail;
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first.back().payload, "m-3");
  EXPECT_EQ(committed_offset(brokers, group, topic, 0), offsets[3]);  // the 4th: not settled

  std::vector<StoredMessage> second;
  const ReadResult resumed = read(reader, topic, options, second);
  ASSERT_FALSE(resumed.error) << resumed.detail;
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(second[0].payload, "m-3");
  EXPECT_EQ(second[0].offset, offsets[3]);
  EXPECT_EQ(second[1].payload, "m-4");
  EXPECT_EQ(committed_offset(brokers, group, topic, 0), offsets[4] + 1);
  EXPECT_EQ(groups_committed_on(brokers, topic), std::vector<std::string>{group});
}

TEST_F(KafkaRead, AGroupWithoutCommitLeavesItsPositionWhereItWas) {
  const std::string topic = unique_name("kafka", "t");
  const std::string group = unique_name("kafka", "g");
  auto producer = producer_for(topic, 1);
  std::vector<std::int64_t> offsets;
  offsets.reserve(4);
  for (int i = 0; i < 4; ++i)
    offsets.push_back(publish(*producer, topic, "k", "m-" + std::to_string(i)).offset);

  Bus reader(kafka_bus_options(brokers));
  ReadOptions options;
  options.group = group;
  std::vector<StoredMessage> got;
  ASSERT_FALSE(read(reader, topic, options, got).error);
  EXPECT_EQ(got.size(), 4u);
  EXPECT_EQ(committed_offset(brokers, group, topic, 0), RD_KAFKA_OFFSET_INVALID);

  // A position of its own (the 2nd record, from a committing read), then a read without
  // commit: it starts there, and the position stays.
  options.commit = true;
  got.clear();
  ASSERT_FALSE(read(reader, topic, options, got, [](const StoredMessage& m) {
                 return m.payload == "m-1" ? ReadStep::stop : ReadStep::next;
               }).error);
  ASSERT_EQ(committed_offset(brokers, group, topic, 0), offsets[1]);
  options.commit = false;
  got.clear();
  ASSERT_FALSE(read(reader, topic, options, got).error);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got.front().payload, "m-1");
  EXPECT_EQ(committed_offset(brokers, group, topic, 0), offsets[1]);
}

TEST_F(KafkaRead, AnUnknownTopicIsReportedAndNotCreated) {
  const std::string topic = unique_name("kafka", "t");
  Bus reader(kafka_bus_options(brokers));
  for (const std::string group : {"", "kafka-read-unknown"}) {
    ReadOptions options;
    options.group = group;
    const ReadResult result =
        reader.read(topic, options, [](const StoredMessage&) { return ReadStep::next; });
    EXPECT_EQ(result.error, errc::unknown_topic);
    EXPECT_NE(result.detail.find(topic), std::string::npos) << result.detail;
    EXPECT_EQ(result.read, 0u);
  }
  EXPECT_EQ(topic_partitions(brokers, topic), std::nullopt);
}

TEST_F(KafkaRead, AnEmptyTopicReturnsAtOnce) {
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(brokers);
  options.topics[topic].partitions = 2;
  options.group = unique_name("kafka", "g");
  Bus bus(options);  // its subscription makes the topic, and reads nothing
  ASSERT_FALSE(bus.subscribe(topic, [](const Message&) { return HandlerResult::ok(); }).error());
  const auto started = std::chrono::steady_clock::now();
  const ReadResult result =
      bus.read(topic, ReadOptions{}, [](const StoredMessage&) { return ReadStep::next; });
  EXPECT_FALSE(result.error) << result.detail;
  EXPECT_EQ(result.read, 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(KafkaRead, ARecordStoredAfterTheReadStartedIsNotRead) {
  const std::string topic = unique_name("kafka", "t");
  auto producer = producer_for(topic, 1);
  publish(*producer, topic, "k", "before-1");
  publish(*producer, topic, "k", "before-2");
  Bus reader(kafka_bus_options(brokers));
  std::vector<StoredMessage> got;
  const ReadResult result = read(reader, topic, ReadOptions{}, got, [&](const StoredMessage& m) {
    if (m.payload == "before-1") publish(*producer, topic, "k", "during");  // acked: stored
    return ReadStep::next;
  });
  ASSERT_FALSE(result.error) << result.detail;
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].payload, "before-1");
  EXPECT_EQ(got[1].payload, "before-2");
}

// A handler that fails puts its event on "<topic>.dlq"; listed, it shows why; replayed once the
// handler is fixed, it is handled once more, with X-Replay-Count and its key, and is settled.
TEST_F(KafkaRead, ADeadLetterIsListedAndReplayedOnceTheHandlerIsFixed) {
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(brokers);
  options.group = unique_name("kafka", "g");
  options.topics[topic].partitions = 1;
  options.dispatch.retry.max_attempts = 1;
  Bus bus(options);
  std::atomic<bool> fixed{false};
  Signal signal;
  int failed = 0;
  std::vector<std::pair<std::string, Headers>> handled;  // key, headers
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope&, const Message& m) {
                                        if (!fixed) {
                                          signal.update([&] { ++failed; });
                                          return HandlerResult::fail("not fixed yet");
                                        }
                                        Headers headers(m.headers.begin(), m.headers.end());
                                        signal.update([&] {
                                          handled.emplace_back(std::string(m.key), headers);
                                        });
                                        return HandlerResult::ok();
                                      })
                   .error());
  const Envelope event = kafka_test_envelope("order-7", 1);
  ASSERT_FALSE(bus.publish_envelope_sync(topic, event, 20s).error);

  DeadLetterOptions dlq;
  dlq.group = unique_name("kafka", "replay");
  dlq.timeout = 20s;
  DeadLetterReport listed;
  // The dead letter is published once the handler gave up; each look is a read of its own.
  ASSERT_TRUE(poll_until(
      30s,
      [&] {
        listed = bus.list_dead_letters(topic, dlq);
        return listed.selected.size() == 1;
      },
      200ms))
      << listed.detail;
  EXPECT_FALSE(listed.error) << listed.detail;
  const DeadLetter& letter = listed.selected.front();
  EXPECT_EQ(letter.original_topic, topic);
  EXPECT_NE(letter.error.find("not fixed yet"), std::string::npos) << letter.error;
  EXPECT_EQ(letter.attempts, 1u);
  EXPECT_EQ(letter.aggregate_id, event.aggregate_id);
  EXPECT_EQ(letter.event_id, event.event_id);
  EXPECT_EQ(letter.replays, 0u);

  fixed = true;
  const DeadLetterReport replayed = bus.replay_dead_letters(topic, dlq);
  ASSERT_FALSE(replayed.error) << replayed.detail;
  EXPECT_EQ(replayed.read, 1u);
  EXPECT_EQ(replayed.replayed, 1u);
  EXPECT_EQ(replayed.kept, 0u);
  ASSERT_TRUE(signal.wait_for(30s, [&] { return !handled.empty(); }));

  const DeadLetterReport after = bus.list_dead_letters(topic, dlq);
  EXPECT_FALSE(after.error) << after.detail;
  EXPECT_EQ(after.read, 0u);
  EXPECT_TRUE(after.selected.empty());

  EXPECT_FALSE(bus.close(10s).error);  // handlers drained: nothing more can come
  std::lock_guard lock(signal.mutex());
  EXPECT_EQ(failed, 1);
  ASSERT_EQ(handled.size(), 1u);
  const auto& [key, headers] = handled.front();
  EXPECT_EQ(key, event.aggregate_id);
  EXPECT_EQ(header_of(headers, std::string(kReplayCountHeader)), "1");
  EXPECT_EQ(header_of(headers, "X-Event-ID"), event.event_id);
  for (const auto& [name, value] : headers)
    EXPECT_NE(name.rfind("X-DLQ-", 0), 0u) << name;
}

}  // namespace
}  // namespace eventbus::testing
