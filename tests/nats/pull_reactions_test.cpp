// SPDX-License-Identifier: Apache-2.0
// The pull protocol's status messages, each met for real: a consumer deleted under the bus,
// a consumer that holds back (MaxAckPending reached), a server that stops sending heartbeats
// (frozen), a consumer that limits its request size. The unit tests (nats_pull_protocol_test)
// cover the words; these cover the reactions.
//
// Not here: 409 Leadership Change. It needs a clustered stream whose consumer leader moves,
// which a single server cannot do; the reader treats it like every status that ends requests
// without saying how many (all are issued again), which the unit tests check.
#include <map>
#include <mutex>

#include "nats/jetstream_probe.hpp"
#include "nats/nats_test.hpp"
#include "support/broker_process.hpp"
#include "support/wait.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// What the bus logs, at debug and up, for waiting on a line.
struct LogLines {
  Signal signal;
  std::string text;

  LogOptions options() {
    return {[this](const LogRecord& r) {
              signal.update(
                  [&] { text += std::string(r.component) + ": " + std::string(r.message) + "\n"; });
            },
            LogLevel::debug};
  }
  bool wait_for(std::chrono::milliseconds timeout, const std::string& words) {
    return signal.wait_for(timeout, [&] { return text.find(words) != std::string::npos; });
  }
};

// Handled counts per version of one aggregate, and how many calls in all.
struct Handled {
  Signal signal;
  std::map<int, int> calls;

  EnvelopeHandler handler() {
    return [this](const Envelope& e, const Message&) {
      signal.update([&] { ++calls[static_cast<int>(e.event_version)]; });
      return HandlerResult::ok();
    };
  }
  bool wait_for_versions(std::chrono::milliseconds timeout, int from, int to) {
    return signal.wait_for(timeout, [&] {
      for (int v = from; v <= to; ++v)
        if (calls.count(v) == 0) return false;
      return true;
    });
  }
};

void publish_versions(Bus& bus, const std::string& topic, const std::string& aggregate, int from,
                      int to) {
  for (int v = from; v <= to; ++v)
    ASSERT_FALSE(
        bus.publish_envelope_sync(topic, make_envelope(aggregate, "E", v, "{}"), 10s).error);
}

const PartitionLag* lag_of(const Health& health, const std::string& topic) {
  for (const auto& lag : health.lag)
    if (lag.topic == topic) return &lag;
  return nullptr;
}

TEST(NatsPullReactions, AConsumerDeletedUnderTheBusIsMadeAgainAndTheStreamIsStillRead) {
  const std::string topic = unique_name("nats", "t");
  LogLines log;
  Handled handled;  // before the bus: its handler runs until the bus is gone
  BusOptions options = nats_bus_options(shared_nats_url());
  options.group = unique_name("nats", "g");
  options.log = log.options();
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(topic, handled.handler()).error());
  publish_versions(bus, topic, "agg", 1, 10);
  ASSERT_TRUE(handled.wait_for_versions(10s, 1, 10));
  ASSERT_TRUE(poll_until(5s, [&] { return bus.stats().handled == 10; }));

  JetStreamProbe probe(shared_nats_url());
  const std::string stream = nats::new_stream_name(topic, {});
  const std::string durable = nats::consumer_name(options.group, topic);
  // nats-server 2.9 may answer "directory not empty" (10051) when an ack lands while it removes
  // the consumer's files; the consumer is gone all the same.
  const auto answer = probe.api("CONSUMER.DELETE." + stream + "." + durable);
  ASSERT_TRUE(answer.value("success", false) ||
              (answer.contains("error") && answer["error"].value("err_code", 0) == 10051))
      << answer.dump();
  ASSERT_TRUE(log.wait_for(10s, "made again")) << log.text;
  EXPECT_NE(log.text.find("consumer " + durable), std::string::npos) << log.text;
  publish_versions(bus, topic, "agg", 11, 20);
  EXPECT_TRUE(handled.wait_for_versions(10s, 11, 20)) << log.text;
  // Made with the bus's settings (deliver policy all): the stream is read from its start
  // again, so the first ten come a second time: at least once, never lost.
  EXPECT_TRUE(probe.consumer(stream, durable)) << "the consumer is on the server again";
}

TEST(NatsPullReactions, AConsumerHoldingBackAtMaxAckPendingKeepsItsRequestsAndLosesNothing) {
  const std::string topic = unique_name("nats", "t");
  Handled handled;
  BusOptions options = nats_bus_options(shared_nats_url());
  options.group = unique_name("nats", "g");
  options.nats.max_ack_pending = 3;  // the server hands out 3, then holds the rest back
  options.nats.fetch_wait = 200ms;   // heartbeats every 100 ms while it holds back
  options.dispatch.lanes = 4;
  Bus bus(options);
  publish_versions(bus, topic, "agg", 1, 200);
  ASSERT_FALSE(bus.subscribe_envelope(topic, handled.handler()).error());
  ASSERT_TRUE(handled.wait_for_versions(30s, 1, 200));
  std::lock_guard lock(handled.signal.mutex());
  for (const auto& [version, calls] : handled.calls)
    EXPECT_EQ(calls, 1) << "version " << version;
  const Health health = bus.health();
  const PartitionLag* lag = lag_of(health, topic);
  ASSERT_NE(lag, nullptr);
  EXPECT_EQ(lag->lost_pull_requests, 0u) << "heartbeats kept coming while the server held back";
}

TEST(NatsPullReactions, AConsumerLimitingItsRequestSizeGetsSmallerRequests) {
  const std::string topic = unique_name("nats", "t");
  LogLines log;
  Handled handled;
  BusOptions options = nats_bus_options(shared_nats_url());
  options.group = unique_name("nats", "g");
  options.nats.fetch_wait = 200ms;  // open requests of 256 expire soon after the change
  options.log = log.options();
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(topic, handled.handler()).error());
  publish_versions(bus, topic, "agg", 1, 5);
  ASSERT_TRUE(handled.wait_for_versions(10s, 1, 5));
  // Someone sets MaxRequestBatch 8 on the durable while the bus reads it: the server then
  // refuses requests of 256 ("409 Exceeded MaxRequestBatch of 8").
  JetStreamProbe probe(shared_nats_url());
  const std::string stream = nats::new_stream_name(topic, {});
  const std::string durable = nats::consumer_name(options.group, topic);
  nlohmann::json config = probe.api("CONSUMER.INFO." + stream + "." + durable)["config"];
  config["max_batch"] = 8;
  const auto changed = probe.api("CONSUMER.DURABLE.CREATE." + stream + "." + durable,
                                 {{"stream_name", stream}, {"config", config}});
  ASSERT_FALSE(changed.contains("error")) << changed.dump();
  ASSERT_TRUE(log.wait_for(10s, "pull requests now ask for 8")) << log.text;
  publish_versions(bus, topic, "agg", 6, 30);
  EXPECT_TRUE(handled.wait_for_versions(10s, 6, 30)) << log.text;
}

TEST(NatsOwnServerPullReactions, MissedHeartbeatsWhileTheServerIsFrozenAreCountedAndPullsResume) {
  BrokerProcess server(BrokerProcess::Kind::nats);
  const std::string topic = unique_name("nats", "t");
  LogLines log;
  Handled handled;
  BusOptions options = nats_bus_options(server.address());
  options.nats.fetch_wait = 200ms;  // heartbeats every 100 ms: two missed after 200 ms
  options.log = log.options();
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(topic, handled.handler()).error());
  publish_versions(bus, topic, "agg", 1, 5);
  ASSERT_TRUE(handled.wait_for_versions(10s, 1, 5));
  {
    FrozenBroker frozen(server);
    ASSERT_TRUE(log.wait_for(10s, "two heartbeats missed")) << log.text;
  }
  publish_versions(bus, topic, "agg", 6, 10);
  EXPECT_TRUE(handled.wait_for_versions(10s, 6, 10)) << log.text;
  const Health health = bus.health();
  const PartitionLag* lag = lag_of(health, topic);
  ASSERT_NE(lag, nullptr);
  EXPECT_GE(lag->lost_pull_requests, 1u);
}

}  // namespace
}  // namespace eventbus::testing
