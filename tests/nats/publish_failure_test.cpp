// SPDX-License-Identifier: Apache-2.0
// Publishes that cannot succeed complete exactly once, with the error that says why: no stream
// for the subject, or a server that stopped answering (SIGSTOP) past publish.ack_timeout.
#include <atomic>
#include <vector>

#include "core/bus/completion_waiter.hpp"
#include "nats/nats_test.hpp"
#include "support/broker_process.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// Counts a completion's calls and keeps the first result.
struct Outcome {
  Signal signal;
  int fired = 0;
  OwnedPublishResult first;

  Completion completion() {
    return [this](const PublishResult& r) {
      signal.update([&] {
        if (++fired == 1) first = core::own(r);
      });
    };
  }
  bool wait(std::chrono::milliseconds timeout) {
    return signal.wait_for(timeout, [&] { return fired > 0; });
  }
  int count() {
    std::lock_guard lock(signal.mutex());
    return fired;
  }
};

TEST(NatsPublishFailure, NoStreamForTheSubjectCompletesOnceAsRejected) {
  const std::string topic = unique_name("nats", "t");
  BusOptions options = nats_bus_options(shared_nats_url());
  options.topics[topic].strategy = TopicStrategy::skip;
  Outcome outcome;  // before the bus, which may fire the completion until it is gone
  Bus bus(options);
  const Envelope e = make_envelope("a", "E", 1, "{}");
  ASSERT_FALSE(bus.publish_envelope(topic, e, outcome.completion()));
  ASSERT_TRUE(outcome.wait(10s));
  EXPECT_EQ(outcome.first.error, errc::rejected);
  EXPECT_EQ(outcome.first.event_id, e.event_id);
  EXPECT_NE(outcome.first.detail.find(topic), std::string::npos) << outcome.first.detail;
  EXPECT_NE(outcome.first.detail.find("no stream"), std::string::npos) << outcome.first.detail;
  EXPECT_FALSE(bus.close(5s).error);
  EXPECT_EQ(outcome.count(), 1);
  EXPECT_EQ(bus.stats().failed, 1u);
  EXPECT_EQ(bus.stats().acked, 0u);
}

TEST(NatsOwnServerPublishFailure, FrozenBrokerTimesThePublishOutOnceThenTheBusWorksAgain) {
  BrokerProcess server(BrokerProcess::Kind::nats);
  const std::string topic = unique_name("nats", "t");
  BusOptions options = nats_bus_options(server.address());
  options.publish.ack_timeout = 500ms;
  Outcome outcome;  // before the bus, which may fire the completion until it is gone
  Bus bus(options);
  // The stream exists before the freeze, so the publish below needs no API call.
  ASSERT_FALSE(bus.publish_envelope_sync(topic, make_envelope("a", "E", 1, "{}"), 10s).error);

  {
    FrozenBroker frozen(server);
    const auto start = std::chrono::steady_clock::now();
    ASSERT_FALSE(
        bus.publish_envelope(topic, make_envelope("a", "E", 2, "{}"), outcome.completion()));
    ASSERT_TRUE(outcome.wait(5s)) << "no completion while the server is frozen";
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(outcome.first.error, errc::publish_timeout) << outcome.first.detail;
    EXPECT_FALSE(outcome.first.detail.empty());
    EXPECT_GE(took, 450ms);
    EXPECT_LT(took, 3s);
  }  // thawed: the server now reads the frozen publish and acks it, too late to count

  const OwnedPublishResult after =
      bus.publish_envelope_sync(topic, make_envelope("a", "E", 3, "{}"), 10s);
  EXPECT_FALSE(after.error) << after.detail;
  EXPECT_FALSE(bus.close(5s).error);
  EXPECT_EQ(outcome.count(), 1) << "the late ack fired the completion again";
  EXPECT_EQ(bus.stats().failed, 1u);
  EXPECT_EQ(bus.stats().acked, 2u);
}

// With the server frozen the socket fills up and nats.c's publish call blocks in its write,
// still reading the message, while the ack timeout fires on another thread: the message must
// not be freed under the publisher (TSan saw that race). The write deadline then closes the
// connection for good (no reconnects), and nats.c never reports what it still holds: the
// transport must, before close().
TEST(NatsOwnServerPublishFailure, BlockedWritesAndALostConnectionStillFireEveryCompletionOnce) {
  BrokerProcess server(BrokerProcess::Kind::nats);
  const std::string topic = unique_name("nats", "t");
  constexpr int kMessages = 300;
  std::vector<std::atomic<int>> fired(kMessages);
  std::atomic<int> timed_out{0}, transport_errors{0}, other{0};
  Signal signal;
  int done = 0;
  BusOptions options = nats_bus_options(server.address());  // max_reconnect 0
  options.publish.ack_timeout = 100ms;
  options.nats.write_timeout = 1500ms;
  Bus bus(options);
  ASSERT_FALSE(bus.publish_envelope_sync(topic, make_envelope("a", "E", 1, "{}"), 10s).error);
  {
    FrozenBroker frozen(server);
    const std::string payload(64 * 1024, 'x');  // 300 x 64 KiB: more than both socket buffers
    for (int i = 0; i < kMessages; ++i) {
      bus.publish(topic, payload, [&, i](const PublishResult& r) {
        fired[i].fetch_add(1);
        if (r.error == errc::publish_timeout) {
          ++timed_out;
        } else if (r.error == errc::transport_error) {
          ++transport_errors;
        } else {
          ++other;
        }
        signal.update([&] { ++done; });
      });
    }
    ASSERT_TRUE(signal.wait_for(10s, [&] { return done == kMessages; }))
        << done << " of " << kMessages << " completions fired before close";
  }
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(timed_out.load(), 0);
  EXPECT_GT(transport_errors.load(), 0);
  bus.close(5s);
  for (int i = 0; i < kMessages; ++i)
    ASSERT_EQ(fired[i].load(), 1) << "completion " << i;
}

TEST(NatsOwnServerPublishFailure, ConnectingToAFrozenBrokerFailsWithinConnectTimeout) {
  BrokerProcess server(BrokerProcess::Kind::nats);
  FrozenBroker frozen(server);  // the kernel still accepts TCP; the server never says INFO
  BusOptions options = nats_bus_options(server.address());
  options.nats.connect_timeout = 500ms;
  const auto start = std::chrono::steady_clock::now();
  try {
    Bus bus(options);
    ADD_FAILURE() << "connected to a frozen server";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + server.port()), std::string::npos)
        << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

}  // namespace
}  // namespace eventbus::testing
