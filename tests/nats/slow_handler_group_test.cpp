// SPDX-License-Identifier: Apache-2.0
// A fetcher that waits for room in a full lane must still renew the messages it holds, or
// the server gives them to another member of the group, which runs them a second time, out of
// order and concurrently with the first.
#include <condition_variable>
#include <map>

#include "nats/jetstream_probe.hpp"
#include "nats/nats_test.hpp"
#include "support/wait.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto kWork = 2500ms;  // the slow handler: longer than twice the AckWait

// One lane holding two messages; six fetched at once: the fetcher waits for room with four
// of them in hand while the first handler works for 2.5 AckWaits.
TEST(NatsSlowHandlerGroup, AFetcherWaitingForRoomKeepsItsBatchFromTheOtherMember) {
  const std::string topic = unique_name("nats", "t");
  BusOptions options = nats_bus_options(shared_nats_url());
  options.group = unique_name("nats", "g");
  options.nats.ack_wait = 1s;
  options.dispatch.lanes = 1;
  options.dispatch.lane_capacity = 2;
  constexpr int n = 6;
  // Declared before the buses: their handlers use them until the buses are gone.
  Signal signal;
  std::map<std::string, int> calls;
  int second_calls = 0;
  bool slow_started = false;
  std::mutex work_mutex;
  std::condition_variable never;
  Bus first(options);
  for (int v = 1; v <= n; ++v)  // stored before anyone subscribes: one fetch takes them all
    ASSERT_FALSE(first.publish_envelope_sync(topic, make_envelope("agg", "E", v, "{}"), 10s).error);

  ASSERT_FALSE(first
                   .subscribe_envelope(topic,
                                       [&](const Envelope& e, const Message&) {
                                         if (e.event_version == 1) {
                                           signal.update([&] { slow_started = true; });
                                           std::unique_lock lock(work_mutex);
                                           never.wait_for(lock, kWork);
                                         }
                                         signal.update([&] { ++calls[e.event_id]; });
                                         return HandlerResult::ok();
                                       })
                   .error());
  ASSERT_TRUE(signal.wait_for(10s, [&] { return slow_started; }));
  Bus second(options);  // joins the group while the first holds all six
  ASSERT_FALSE(second
                   .subscribe_envelope(topic,
                                       [&](const Envelope& e, const Message&) {
                                         signal.update([&] {
                                           ++calls[e.event_id];
                                           ++second_calls;
                                         });
                                         return HandlerResult::ok();
                                       })
                   .error());

  ASSERT_TRUE(signal.wait_for(30s, [&] { return static_cast<int>(calls.size()) == n; }));
  JetStreamProbe probe(shared_nats_url());
  const std::string stream = nats::new_stream_name(topic, {});
  const std::string durable = nats::consumer_name(options.group, topic);
  ASSERT_TRUE(poll_until(
      10s, [&] { return probe.consumer(stream, durable)->NumAckPending == 0; }, 20ms));
  EXPECT_EQ(probe.consumer(stream, durable)->Delivered.Consumer, static_cast<std::uint64_t>(n));
  std::lock_guard lock(signal.mutex());
  for (const auto& [id, count] : calls)
    EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(second_calls, 0) << "the other member got messages the first still held";
}

}  // namespace
}  // namespace eventbus::testing
