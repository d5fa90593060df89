// Bounded memory on a real broker: with tiny lanes and a slow handler the consumer parks what
// the lanes cannot take, and pauses a partition once a fetch queue's worth is parked, instead of
// queueing more. Nothing is lost, nothing is handled twice, each aggregate's events stay in
// order, and throughput stays that of the handlers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
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
  const std::string topic = unique_name("t");
  BusOptions options = kafka_bus_options(brokers);
  options.group = unique_name("g");
  options.topics[topic].partitions = 4;
  options.dispatch.lanes = kLanes;
  options.dispatch.workers = 2;
  options.dispatch.lane_capacity = kLaneCapacity;
  if (load.fetch_queue_kbytes > 0) options.kafka.fetch_queue_kbytes = load.fetch_queue_kbytes;
  if (std::getenv("BP_DEBUG")) options.kafka.consumer_properties["debug"] = std::getenv("BP_DEBUG");
  if (std::getenv("BP_PDEBUG"))
    options.kafka.producer_properties["debug"] = std::getenv("BP_PDEBUG");

  OrderTracker tracker;
  std::mutex handled_mutex;
  std::set<std::string> handled_ids;  // for the failure message only
  std::vector<std::pair<int, long>> handled_at;
  std::atomic<std::uint64_t> max_queued{0};
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(topic, [&](const Envelope& e, const Message& m) {
    const std::uint64_t queued = bus.stats().queued;
    std::uint64_t seen = max_queued.load();
    while (queued > seen && !max_queued.compare_exchange_weak(seen, queued)) {
    }
    std::this_thread::sleep_for(5ms);  // the work: slower than fetching, so lanes fill up
    {
      std::lock_guard lock(handled_mutex);
      handled_ids.insert(e.event_id);
      handled_at.emplace_back(m.partition, m.offset);
    }
    tracker.record(e.aggregate_id, e.event_version, e.event_id);
    return HandlerResult::ok();
  }));

  Signal acks;
  std::size_t acked = 0, failed = 0;
  std::map<std::string, std::string> stored_at;  // event id -> "partition/offset"
  for (int v = 1; v <= load.versions; ++v) {
    for (int a = 0; a < load.aggregates; ++a) {
      ASSERT_FALSE(bus.publish_envelope(
          topic, kafka_test_envelope("agg-" + std::to_string(a), v), [&](const PublishResult& r) {
            acks.update([&] {
              ++(r.error ? failed : acked);
              if (r.error) std::cout << "DIAG failed completion: " << r.detail << "\n";
              stored_at[std::string(r.event_id)] =
                  std::to_string(r.partition) + "/" + std::to_string(r.offset);
            });
          }));
    }
  }
  ASSERT_TRUE(acks.wait_for(60s, [&] { return acked + failed == total; }));
  ASSERT_EQ(failed, 0u);

  if (!tracker.wait_for_distinct(total, load.within)) {
    std::string missing;  // where the messages never handled are stored
    std::lock_guard lock(handled_mutex);
    for (const auto& [id, where] : stored_at) {
      if (handled_ids.count(id) == 0) missing += " " + where;
    }
    if (std::getenv("BP_DEBUG")) {
      const auto records = read_records(brokers, topic, total + 10, 20s);
      std::string found;
      for (const auto& r : records) {
        const auto id = r.header("X-Event-ID");
        if (id && handled_ids.count(*id) == 0)
          found +=
              " " + std::to_string(r.partition) + "/" + std::to_string(r.offset) + "(" + *id + ")";
      }
      std::map<int, std::set<long>> by_partition;
      for (const auto& p : handled_at)
        by_partition[p.first].insert(p.second);
      std::string holes;
      for (const auto& [p, offs] : by_partition) {
        long expect = 0;
        for (long o : offs) {
          while (expect < o) {
            holes += " " + std::to_string(p) + "/" + std::to_string(expect);
            ++expect;
          }
          expect = o + 1;
        }
        holes += " [p" + std::to_string(p) + " last " + std::to_string(expect - 1) + "]";
      }
      std::cout << "DIAG log has " << records.size() << " records; unhandled in log:" << found
                << "; holes in handled offsets:" << holes << "\n";
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
