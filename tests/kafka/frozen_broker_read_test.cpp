// SPDX-License-Identifier: Apache-2.0
// Bus::read against a broker that stopped answering (SIGSTOP: connections stay open, nothing
// comes back): the deadline bounds the setup and a commit, a stop ends a following read at
// once, and the read's consumer is let go without hanging (in the background when librdkafka
// holds on), its threads gone once it is. A broker of the test's own: freezing the shared
// fixture would stall other tests.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "kafka/kafka_test.hpp"
#include "support/broker_process.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using Clock = std::chrono::steady_clock;

TEST(KafkaOwnBrokerRead, TheDeadlineAndStopBoundAReadOfAFrozenBroker) {
  warm_up_threads();
  const std::size_t baseline = process_thread_count();
  BrokerProcess broker(BrokerProcess::Kind::kafka);
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(broker.address());
  options.topics[topic].partitions = 1;
  {
    Bus bus(options);
    warm_up_partitions(bus, topic, 1);
    ASSERT_FALSE(bus.publish_envelope_sync(topic, kafka_test_envelope("a", 1), 20s).error);

    // The setup: the metadata request is never answered.
    {
      FrozenBroker frozen(broker);
      ReadOptions read;
      read.timeout = 1s;
      const auto started = Clock::now();
      const ReadResult r =
          bus.read(topic, read, [](const StoredMessage&) { return ReadStep::next; });
      const auto took = Clock::now() - started;
      EXPECT_EQ(r.error, errc::transport_error);
      EXPECT_NE(r.detail.find("metadata"), std::string::npos) << r.detail;
      EXPECT_LT(took, 2s);
    }

    // A commit: the broker freezes once the first record is handed over.
    {
      std::optional<FrozenBroker> frozen;
      ReadOptions read;
      read.group = unique_name("kafka", "g");
      read.commit = true;
      read.timeout = 3s;
      const auto started = Clock::now();
      const ReadResult r = bus.read(topic, read, [&](const StoredMessage&) {
        if (!frozen) frozen.emplace(broker);
        return ReadStep::next;
      });
      const auto took = Clock::now() - started;
      frozen.reset();
      EXPECT_EQ(r.error, errc::transport_error);
      EXPECT_NE(r.detail.find("commit of offset"), std::string::npos) << r.detail;
      EXPECT_EQ(r.read, 1u);
      EXPECT_LT(took, 4s);
    }

    // Following: the broker freezes after the records came, then the caller stops.
    {
      Signal signal;
      std::uint64_t seen = 0;
      std::optional<ReadResult> result;
      std::stop_source stop;
      ReadOptions read;
      read.follow = true;
      std::thread reading([&] {
        ReadResult r = bus.read(
            topic, read,
            [&](const StoredMessage&) {
              signal.update([&] { ++seen; });
              return ReadStep::next;
            },
            stop.get_token());
        signal.update([&] { result = std::move(r); });
      });
      // Not an ASSERT: the thread must be stopped and joined either way.
      EXPECT_TRUE(signal.wait_for(20s, [&] { return seen == 2; }));
      FrozenBroker frozen(broker);
      const auto stopped_at = Clock::now();
      stop.request_stop();
      EXPECT_TRUE(signal.wait_for(5s, [&] { return result.has_value(); }));
      const auto took = Clock::now() - stopped_at;
      reading.join();
      EXPECT_LT(took, 1s);
      ASSERT_TRUE(result.has_value());
      EXPECT_FALSE(result->error) << result->detail;
    }
  }
  EXPECT_TRUE(await_background_closes(30s));
  EXPECT_EQ(thread_count_settling_at(baseline), baseline);
}

}  // namespace
}  // namespace eventbus::testing
