// SPDX-License-Identifier: Apache-2.0
// Nats-Msg-Id is the event id: a publish repeated within the stream's duplicate window (a
// retry after a lost ack, say) is acked but stored once, so consumers see it once.
#include <map>

#include "nats/jetstream_probe.hpp"
#include "nats/nats_test.hpp"
#include "support/wait.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST(NatsDeduplication, TheSameEnvelopeTwiceIsStoredAndDeliveredOnce) {
  const std::string topic = unique_name("nats", "t");
  Signal signal;  // declared before the bus: its handler uses them until the bus is gone
  std::map<std::string, int> seen;  // event id -> handler calls
  Bus bus(nats_bus_options(shared_nats_url()));
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message&) {
                                        signal.update([&] { ++seen[e.event_id]; });
                                        return HandlerResult::ok();
                                      })
                   .error());
  const Envelope twice = make_envelope("order-1", "OrderPlaced", 1, R"({"n":1})");
  const OwnedPublishResult first = bus.publish_envelope_sync(topic, twice, 10s);
  const OwnedPublishResult second = bus.publish_envelope_sync(topic, twice, 10s);
  ASSERT_FALSE(first.error) << first.detail;
  ASSERT_FALSE(second.error) << "a duplicate is acked, not refused: " << second.detail;
  EXPECT_EQ(second.offset, first.offset) << "the server answers a duplicate with the original";

  // A later event of the same aggregate shares the lane and the stream order, so once it has
  // been handled a stored duplicate would have been handled before it.
  const Envelope marker = make_envelope("order-1", "OrderShipped", 2, R"({"n":2})");
  ASSERT_FALSE(bus.publish_envelope_sync(topic, marker, 10s).error);
  ASSERT_TRUE(signal.wait_for(20s, [&] { return seen.count(marker.event_id) == 1; }));
  {
    std::lock_guard lock(signal.mutex());
    EXPECT_EQ(seen[twice.event_id], 1);
    EXPECT_EQ(seen.size(), 2u);
  }
  JetStreamProbe probe(shared_nats_url());
  auto info = probe.stream(nats::new_stream_name(topic, {}));
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->State.Msgs, 2u);
  EXPECT_EQ(bus.stats().acked, 3u);
  EXPECT_EQ(bus.stats().failed, 0u);
}

TEST(NatsDeduplication, DifferentEventIdsWithTheSameContentAreBothStored) {
  const std::string topic = unique_name("nats", "t");
  Bus bus(nats_bus_options(shared_nats_url()));
  Envelope e = make_envelope("order-1", "OrderPlaced", 1, R"({"n":1})");
  const OwnedPublishResult first = bus.publish_envelope_sync(topic, e, 10s);
  e.event_id = new_event_id();
  const OwnedPublishResult second = bus.publish_envelope_sync(topic, e, 10s);
  ASSERT_FALSE(first.error);
  ASSERT_FALSE(second.error);
  EXPECT_EQ(second.offset, first.offset + 1);
}

// nats.message_id = false: no Nats-Msg-Id, so the server cannot tell a re-sent event.
TEST(NatsDeduplication, WithoutMessageIdsTheSameEnvelopeTwiceIsStoredTwice) {
  const std::string topic = unique_name("nats", "t");
  BusOptions options = nats_bus_options(shared_nats_url());
  options.nats.message_id = false;
  Bus bus(options);
  const Envelope twice = make_envelope("order-1", "OrderPlaced", 1, R"({"n":1})");
  const OwnedPublishResult first = bus.publish_envelope_sync(topic, twice, 10s);
  const OwnedPublishResult second = bus.publish_envelope_sync(topic, twice, 10s);
  ASSERT_FALSE(first.error) << first.detail;
  ASSERT_FALSE(second.error) << second.detail;
  EXPECT_EQ(second.offset, first.offset + 1);
}

}  // namespace
}  // namespace eventbus::testing
