// SPDX-License-Identifier: Apache-2.0
// The consumer options a bus is given are the ones the server enforces: read the durable
// consumer back from the server after subscribing, and again after changing them.
#include "nats/jetstream_probe.hpp"
#include "nats/nats_test.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kNanosPerMilli = 1000000;

struct ConsumerSettings {
  std::chrono::milliseconds ack_wait;
  std::int64_t max_ack_pending;
  std::int64_t max_deliver;
  std::vector<std::chrono::milliseconds> backoff;
};

// Subscribes with `settings`, closes the bus, and returns the consumer as the server holds it.
nats::ConsumerInfoPtr subscribe_and_read_back(const std::string& topic, const std::string& group,
                                              const ConsumerSettings& settings) {
  BusOptions options = nats_bus_options(shared_nats_url());
  options.group = group;
  options.nats.ack_wait = settings.ack_wait;
  options.nats.max_ack_pending = settings.max_ack_pending;
  options.nats.max_deliver = settings.max_deliver;
  options.nats.backoff = settings.backoff;
  {
    Bus bus(options);
    EXPECT_FALSE(bus.subscribe(topic, [](const Message&) { return HandlerResult::ok(); }).error());
    EXPECT_FALSE(bus.close(5s).error);
  }
  JetStreamProbe probe(shared_nats_url());
  return probe.consumer(nats::new_stream_name(topic, {}), nats::consumer_name(group, topic));
}

void expect_config(const jsConsumerConfig& c, const ConsumerSettings& want) {
  EXPECT_EQ(c.AckWait, want.ack_wait.count() * kNanosPerMilli);
  EXPECT_EQ(c.MaxAckPending, want.max_ack_pending);
  EXPECT_EQ(c.MaxDeliver, want.max_deliver);
  ASSERT_EQ(c.BackOffLen, static_cast<int>(want.backoff.size()));
  for (std::size_t i = 0; i < want.backoff.size(); ++i)
    EXPECT_EQ(c.BackOff[i], want.backoff[i].count() * kNanosPerMilli) << "backoff " << i;
  EXPECT_EQ(c.AckPolicy, js_AckExplicit);
  EXPECT_EQ(c.DeliverSubject, nullptr) << "a pull consumer has no deliver subject";
}

TEST(NatsConsumerConfig, SubscriptionSettingsReachTheServerAndAChangeUpdatesThem) {
  const std::string topic = unique_name("nats", "t");
  const std::string group = "grp_" + unique_name("nats", "g");
  // nats-server 2.9 replaces AckWait with BackOff[0] when BackOff is set (see
  // ServerTakesAckWaitFromTheFirstBackoff), so these settings agree with it.
  const ConsumerSettings first{3s, 100, 5, {3s, 5s, 9s}};
  auto info = subscribe_and_read_back(topic, group, first);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(std::string(info->Name), nats::consumer_name(group, topic));
  EXPECT_EQ(std::string(info->Config->FilterSubject), topic);
  expect_config(*info->Config, first);

  const ConsumerSettings second{7s, 32, 12, {}};
  info = subscribe_and_read_back(topic, group, second);
  ASSERT_NE(info, nullptr);
  expect_config(*info->Config, second);
}

TEST(NatsConsumerConfig, UnlimitedMaxDeliverAndNoBackoffAreWhatTheServerKeeps) {
  const std::string topic = unique_name("nats", "t");
  const std::string group = unique_name("nats", "g");
  const ConsumerSettings settings{45s, 4096, -1, {}};
  auto info = subscribe_and_read_back(topic, group, settings);
  ASSERT_NE(info, nullptr);
  expect_config(*info->Config, settings);
}

// What the transport's keep-alive must allow for: the server's AckWait, not nats.ack_wait.
TEST(NatsConsumerConfig, ServerTakesAckWaitFromTheFirstBackoff) {
  const std::string topic = unique_name("nats", "t");
  const std::string group = unique_name("nats", "g");
  auto info = subscribe_and_read_back(topic, group, {30s, 64, 4, {1500ms, 4s}});
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->Config->AckWait, 1500 * kNanosPerMilli);
}

}  // namespace
}  // namespace eventbus::testing
