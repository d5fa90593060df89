// SPDX-License-Identifier: Apache-2.0
// A handler slower than the consumer's AckWait must not make the server redeliver: neither the
// message it works on nor the ones queued behind it in its lane. The fetcher tells the server
// they are in progress; these runs check that its cadence is enough in the configurations that
// stretch it (a long fetch wait, AckWait set by BackOff, a full lane blocking the fetcher).
#include <condition_variable>
#include <map>

#include "nats/jetstream_probe.hpp"
#include "nats/nats_test.hpp"
#include "support/wait.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

struct SlowLaneCase {
  std::string name;
  std::function<void(BusOptions&)> tweak;
  int messages = 5;
};

void PrintTo(const SlowLaneCase& c, std::ostream* os) {
  *os << c.name;
}

class NatsSlowHandler : public ::testing::TestWithParam<SlowLaneCase> {};

constexpr auto kWork = 2500ms;  // longer than twice the AckWait of every case

TEST_P(NatsSlowHandler, NothingIsRedeliveredWhileTheLaneWorks) {
  const std::string topic = unique_name("nats", "t");
  BusOptions options = nats_bus_options(shared_nats_url());
  options.group = unique_name("nats", "g");
  options.nats.ack_wait = 1s;
  GetParam().tweak(options);

  // Declared before the bus: its handler uses them until the bus is gone.
  Signal signal;
  std::map<std::string, int> calls;  // event id -> handler calls
  int later_attempts = 0;            // calls that saw attempt > 1 (a retry or a redelivery)
  std::mutex work_mutex;
  std::condition_variable never;  // the "work": a bounded wait nobody cuts short
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message& m) {
                                        if (e.event_version == 1) {
                                          std::unique_lock lock(work_mutex);
                                          never.wait_for(lock, kWork);
                                        }
                                        signal.update([&] {
                                          ++calls[e.event_id];
                                          if (m.attempt > 1) ++later_attempts;
                                        });
                                        return HandlerResult::ok();
                                      })
                   .error());
  const int n = GetParam().messages;
  for (int v = 1; v <= n; ++v)  // one aggregate: one lane, all behind the slow first one
    ASSERT_FALSE(bus.publish_envelope_sync(topic, make_envelope("agg", "E", v, "{}"), 10s).error);

  ASSERT_TRUE(signal.wait_for(30s, [&] { return static_cast<int>(calls.size()) == n; }));
  JetStreamProbe probe(shared_nats_url());
  const std::string stream = nats::new_stream_name(topic, {});
  const std::string durable = nats::consumer_name(options.group, topic);
  ASSERT_TRUE(poll_until(
      10s, [&] { return probe.consumer(stream, durable)->NumAckPending == 0; }, 20ms))
      << "the acks never reached the server";
  auto info = probe.consumer(stream, durable);
  EXPECT_EQ(info->Delivered.Consumer, static_cast<std::uint64_t>(n))
      << "the server delivered " << info->Delivered.Consumer - n << " message(s) again";
  std::lock_guard lock(signal.mutex());
  for (const auto& [id, count] : calls)
    EXPECT_EQ(count, 1) << id;
  EXPECT_EQ(later_attempts, 0);
  EXPECT_EQ(bus.stats().retried, 0u);
  EXPECT_EQ(bus.stats().handled, static_cast<std::uint64_t>(n));
}

INSTANTIATE_TEST_SUITE_P(
    Cadence, NatsSlowHandler,
    ::testing::Values(
        SlowLaneCase{"ShortFetchWait", [](BusOptions& o) { o.nats.fetch_wait = 100ms; }},
        SlowLaneCase{"DefaultFetchWait", [](BusOptions& o) { o.nats.fetch_wait = 250ms; }},
        // A long poll: the fetcher sits in one Fetch for longer than AckWait.
        SlowLaneCase{"FetchWaitLongerThanAckWait", [](BusOptions& o) { o.nats.fetch_wait = 3s; }},
        // The server takes AckWait from BackOff[0] (1 s), whatever nats.ack_wait says.
        SlowLaneCase{"AckWaitFromBackoff",
                     [](BusOptions& o) {
                       o.nats.ack_wait = 30s;
                       o.nats.backoff = {1s, 2s};
                       o.nats.max_deliver = 5;
                     }},
        // One lane holding two messages: the fetcher waits for room in the dispatcher.
        SlowLaneCase{"FullLaneBlocksTheFetcher",
                     [](BusOptions& o) {
                       o.dispatch.lanes = 1;
                       o.dispatch.lane_capacity = 2;
                     },
                     6}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace eventbus::testing
