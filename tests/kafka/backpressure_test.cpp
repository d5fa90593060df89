// SPDX-License-Identifier: Apache-2.0
// Bounded memory on a real broker: with tiny lanes and a slow handler the consumer parks what
// the lanes cannot take, and pauses a partition once a fetch queue's worth is parked, instead of
// queueing more. Nothing is lost, nothing is handled twice, each aggregate's events stay in
// order, and throughput stays that of the handlers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "kafka/kafka_test.hpp"
#include "support/order_tracker.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

constexpr std::size_t kLanes = 2, kLaneCapacity = 2;
constexpr int kPartitions = 4;

struct Load {
  int aggregates = 0;
  int versions = 0;
  std::int32_t fetch_queue_kbytes = 0;  // 0: the default
  std::chrono::milliseconds within{0};  // how long handling everything may take
};

// Publishes aggregates x versions envelopes to a 4-partition topic that a bus with 2 lanes of
// capacity 2 consumes with a 5 ms handler, and checks what the file comment promises.
void run_slow_consumer(const Load& load) {
  const std::size_t total = static_cast<std::size_t>(load.aggregates) * load.versions;
  const std::string brokers = fixture_brokers();
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(brokers);
  options.group = unique_name("kafka", "g");
  options.topics[topic].partitions = kPartitions;
  options.dispatch.lanes = kLanes;
  options.dispatch.workers = 2;
  options.dispatch.lane_capacity = kLaneCapacity;
  if (load.fetch_queue_kbytes > 0) options.kafka.fetch_queue_kbytes = load.fetch_queue_kbytes;

  OrderTracker tracker;
  std::mutex handled_mutex;
  std::set<std::string> handled_ids;  // for the failure message only
  std::atomic<std::uint64_t> max_queued{0};
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(
                      topic,
                      [&](const Envelope& e, const Message&) {
                        if (e.event_type == kWarmUpEventType) return HandlerResult::ok();
                        const std::uint64_t queued = bus.stats().queued;
                        std::uint64_t seen = max_queued.load();
                        while (queued > seen && !max_queued.compare_exchange_weak(seen, queued)) {
                        }
                        std::this_thread::sleep_for(
                            5ms);  // the work: slower than fetching, so lanes fill up
                        {
                          std::lock_guard lock(handled_mutex);
                          handled_ids.insert(e.event_id);
                        }
                        tracker.record(e.aggregate_id, e.event_version, e.event_id);
                        return HandlerResult::ok();
                      })
                   .error());
  ASSERT_NO_FATAL_FAILURE(warm_up_partitions(bus, topic, kPartitions));

  Signal acks;
  std::size_t acked = 0;
  std::vector<std::string> failures;
  std::map<std::string, std::string> stored_at;  // event id -> "partition/offset"
  for (int v = 1; v <= load.versions; ++v) {
    for (int a = 0; a < load.aggregates; ++a) {
      ASSERT_FALSE(bus.publish_envelope(
          topic, kafka_test_envelope("agg-" + std::to_string(a), v), [&](const PublishResult& r) {
            acks.update([&] {
              if (r.error) {
                failures.emplace_back(r.detail);
              } else {
                ++acked;
              }
              stored_at[std::string(r.event_id)] =
                  std::to_string(r.partition) + "/" + std::to_string(r.offset);
            });
          }));
    }
  }
  ASSERT_TRUE(acks.wait_for(60s, [&] { return acked + failures.size() == total; }));
  ASSERT_TRUE(failures.empty()) << failures.size() << " failed, e.g. " << failures.front();

  if (!tracker.wait_for_distinct(total, load.within)) {
    std::string missing;  // where the messages never handled are stored
    std::lock_guard lock(handled_mutex);
    for (const auto& [id, where] : stored_at) {
      if (handled_ids.count(id) == 0) missing += " " + where;
    }
    FAIL() << "handled " << tracker.distinct() << " of " << total << " in " << load.within.count()
           << " ms; not handled (partition/offset):" << missing;
  }
  const CloseReport report = bus.close(10s);
  EXPECT_FALSE(report.error) << report.error.message();
  EXPECT_EQ(tracker.handled(), total);  // exactly once: no redelivery without a failure
  EXPECT_EQ(tracker.duplicates(), 0u);
  EXPECT_EQ(tracker.order_violations(), 0u);
  // What waits in lanes (running heads included) never exceeds their capacity...
  EXPECT_LE(max_queued.load(), kLanes * kLaneCapacity);
  // ...and they did fill up, so the consumer had to hold messages back.
  EXPECT_GE(max_queued.load(), kLanes);
}

// 2,000 x 5 ms over 2 lanes is ~5 s of handler time. Pausing a partition at its first full lane
// (before the fix) took over 90 s: each pause drops librdkafka's prefetch and costs a refetch.
TEST(KafkaBackpressure, FullLanesHoldMessagesBackWithoutLossDuplicatesOrReordering) {
  run_slow_consumer({.aggregates = 40, .versions = 50, .within = 30s});
}

// A 16 KiB fetch queue: ~60 parked messages pause a partition, so every partition is paused
// and resumed several times. Resuming refetches from the last message taken; a wrong position
// would lose or repeat messages. (librdkafka itself backs off 1 s whenever its 16 KiB queue is
// full, hence the slower pace.)
TEST(KafkaBackpressure, PausedPartitionsResumeWhereTheyStopped) {
  run_slow_consumer({.aggregates = 30, .versions = 20, .fetch_queue_kbytes = 16, .within = 30s});
}

}  // namespace
}  // namespace eventbus::testing
