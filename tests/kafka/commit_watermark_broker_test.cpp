// SPDX-License-Identifier: Apache-2.0
// The commit watermark on a real broker: when handlers of one partition finish out of order
// (different aggregates on different lanes), the group's committed offset never passes a
// message that is not finished, so a message abandoned by close() is read again by the next
// member of the group (at-least-once).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kafka/kafka_test.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

constexpr std::size_t kLanes = 64;

// The lane an aggregate id lands on: FNV-1a 64 modulo the lane count, as
// core::OrderedDispatcher::lane_of computes it. Used only to pick aggregates that do not share
// the gated one's lane; if the dispatcher's hash changed, the wait for the others fails loudly.
std::size_t lane_of(std::string_view key) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash % kLanes;
}

// The committed offset once it equals `want`, or the last one read at the timeout. Committed
// offsets change on the broker and nothing notifies the test, so this asks again (every 50 ms:
// each question is a client of its own).
std::int64_t committed_reaching(const std::string& brokers, const std::string& group,
                                const std::string& topic, std::int64_t want,
                                std::chrono::milliseconds timeout) {
  std::int64_t now = -1;
  poll_until(
      timeout, [&] { return (now = committed_offset(brokers, group, topic, 0)) == want; }, 50ms);
  return now;
}

struct Handled {
  Signal signal;
  std::map<std::string, std::int64_t> offset_of;  // event id -> offset it was handled at
  std::vector<std::int64_t> offsets;              // in handling order
};

TEST(KafkaCommitWatermark, AnUnfinishedMessageHoldsTheCommitPointAndIsReadAgain) {
  const std::string brokers = fixture_brokers();
  const std::string topic = unique_name("kafka", "t");
  const std::string group = unique_name("kafka", "g");
  BusOptions options = kafka_bus_options(brokers);
  options.group = group;
  options.topics[topic].partitions = 1;  // every offset below is in partition 0
  options.dispatch.lanes = kLanes;
  options.dispatch.workers = 4;
  options.kafka.commit_interval = 100ms;

  // Offsets 0..9; offset 3 belongs to the gated aggregate, the others to aggregates on lanes
  // of their own, so they can finish while it waits.
  constexpr std::int64_t kGatedOffset = 3;
  const std::string gated = "gated-aggregate";
  std::vector<std::string> aggregates;
  for (int i = 0; aggregates.size() < 9; ++i) {
    const std::string a = "other-" + std::to_string(i);
    if (lane_of(a) != lane_of(gated)) aggregates.push_back(a);
  }
  aggregates.insert(aggregates.begin() + kGatedOffset, gated);

  Signal gate;
  bool open = false;
  Handled first;
  std::string gated_event_id;
  {
    Bus bus(options);
    ASSERT_FALSE(bus.subscribe_envelope(topic,
                                        [&](const Envelope& e, const Message& m) {
                                          if (e.aggregate_id == gated) {
                                            // Bounded, so a failing test cannot hang here; the test
                                            // opens it well before.
                                            gate.wait_for(60s, [&] { return open; });
                                          }
                                          first.signal.update([&] {
                                            first.offset_of[e.event_id] = m.offset;
                                            first.offsets.push_back(m.offset);
                                          });
                                          return HandlerResult::ok();
                                        })
                     .error());
    for (std::size_t i = 0; i < aggregates.size(); ++i) {
      const Envelope e = kafka_test_envelope(aggregates[i], 1);
      if (aggregates[i] == gated) gated_event_id = e.event_id;
      const OwnedPublishResult r = bus.publish_envelope_sync(topic, e, 20s);
      ASSERT_FALSE(r.error) << r.detail;
      ASSERT_EQ(r.partition, 0);
      ASSERT_EQ(r.offset, static_cast<std::int64_t>(i));
    }
    // Everything but the gated message finishes: offsets 0..2 and 4..9.
    ASSERT_TRUE(first.signal.wait_for(60s, [&] { return first.offsets.size() == 9; }))
        << "only " << first.offsets.size() << " of 9 ungated messages were handled";
    // The periodic commit reaches the gated offset and stops there.
    EXPECT_EQ(committed_reaching(brokers, group, topic, kGatedOffset, 20s), kGatedOffset);

    LogCapture log;
    const auto started = std::chrono::steady_clock::now();
    const CloseReport report = bus.close(500ms);
    const auto took = std::chrono::steady_clock::now() - started;
    // It left the group properly, so the next member gets the partition at once rather than
    // after session.timeout.ms; and it committed what it could.
    EXPECT_EQ(log.text().find("left without"), std::string::npos) << log.text();
    EXPECT_EQ(log.text().find("commit"), std::string::npos) << log.text();
    EXPECT_EQ(report.stuck_handlers, 1u);
    EXPECT_EQ(report.error, errc::close_incomplete);
    // close() commits once more on its way out: still not past the unfinished message.
    EXPECT_EQ(committed_offset(brokers, group, topic, 0), kGatedOffset);
    // Bounded by its deadline, not by revoke_timeout (5 s) waiting for the stuck handler;
    // ~0.6 s here, the rest is slack for a loaded machine and sanitizers.
    EXPECT_LT(took, 2500ms) << "close(500 ms) took "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                            << " ms";
    gate.update([&] { open = true; });  // the stuck handler may finish; its ack changes nothing
  }
  EXPECT_EQ(committed_offset(brokers, group, topic, 0), kGatedOffset);

  // The next member of the group starts at the commit point: the gated message comes again.
  Handled second;
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message& m) {
                                        second.signal.update([&] {
                                          second.offset_of[e.event_id] = m.offset;
                                          second.offsets.push_back(m.offset);
                                        });
                                        return HandlerResult::ok();
                                      })
                   .error());
  ASSERT_TRUE(second.signal.wait_for(60s, [&] { return second.offset_of.count(gated_event_id); }))
      << "the abandoned message was not delivered again";
  std::lock_guard lock(second.signal.mutex());
  EXPECT_EQ(second.offset_of[gated_event_id], kGatedOffset);
  // Nothing before the commit point comes again.
  for (std::int64_t offset : second.offsets)
    EXPECT_GE(offset, kGatedOffset);
}

}  // namespace
}  // namespace eventbus::testing
