// SPDX-License-Identifier: Apache-2.0
// close() against a broker that stopped answering (SIGSTOP: connections stay open, nothing
// comes back). close(2 s) must return in about 2 s plus the purge grace, fire every
// completion exactly once (cancelled or failed, never acked), and join every thread it started.
// Each test starts a broker of its own: freezing the shared fixture would stall other tests.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <string>

#include "kafka/kafka_test.hpp"
#include "support/broker_process.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using Clock = std::chrono::steady_clock;

struct Completions {
  Signal signal;
  std::map<std::string, int> fired;  // event id -> how often its completion ran
  std::map<std::string, std::error_code> error_of;
};

// Publishes `count` envelopes with completions recorded in `c`; returns their event ids.
std::vector<std::string> publish_many(Bus& bus, const std::string& topic, int count,
                                      Completions& c) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    const Envelope e = kafka_test_envelope("agg-" + std::to_string(i % 10), i + 1);
    ids.push_back(e.event_id);
    const std::error_code refused = bus.publish_envelope(topic, e, [&c](const PublishResult& r) {
      c.signal.update([&] {
        ++c.fired[std::string(r.event_id)];
        c.error_of[std::string(r.event_id)] = r.error;
      });
    });
    EXPECT_FALSE(refused) << refused.message();
  }
  return ids;
}

// The frozen-broker scenario; `subscribe` adds a consumer-group member to the bus, so that
// close() also has to commit and leave a group on a broker that does not answer.
void close_against_frozen_broker(bool subscribe) {
  warm_up_threads();
  const std::size_t baseline = process_thread_count();
  BrokerProcess broker(BrokerProcess::Kind::kafka);
  const std::string topic = unique_name("kafka", "t");
  BusOptions options = kafka_bus_options(broker.address());
  options.group = unique_name("kafka", "g");
  options.kafka.message_timeout = 120s;  // nothing times out by itself during the test
  Completions c;
  CloseReport report;
  Clock::duration took{};
  {
    Bus bus(options);
    // The topic exists and the producer is connected before the broker freezes.
    const OwnedPublishResult warm = bus.publish_envelope_sync(topic, kafka_test_envelope("w", 1));
    ASSERT_FALSE(warm.error) << warm.detail;
    if (subscribe) {
      Signal got;
      bool any = false;
      ASSERT_FALSE(bus.subscribe_envelope(topic,
                                          [&](const Envelope&, const Message&) {
                                            got.update([&] { any = true; });
                                            return HandlerResult::ok();
                                          })
                       .error());
      ASSERT_TRUE(got.wait_for(30s, [&] { return any; })) << "the group never started";
    }

    FrozenBroker frozen(broker);
    const std::vector<std::string> ids = publish_many(bus, topic, 100, c);
    const auto started = Clock::now();
    report = bus.close(2s);
    took = Clock::now() - started;

    std::lock_guard lock(c.signal.mutex());
    for (const std::string& id : ids) {
      EXPECT_EQ(c.fired[id], 1) << "completion of " << id;
      EXPECT_TRUE(c.error_of[id]) << id << " was acked by a frozen broker";
    }
    EXPECT_EQ(c.fired.size(), ids.size());
  }
  // Nothing fires after close returned, not even when the bus goes away.
  {
    std::lock_guard lock(c.signal.mutex());
    for (const auto& [id, n] : c.fired)
      EXPECT_EQ(n, 1) << id;
  }
  std::map<std::string, int> outcomes;  // completion error -> how many
  for (const auto& [id, error] : c.error_of)
    ++outcomes[error.message()];
  std::cout << "close(2 s) against a frozen broker took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
            << " ms; completions:";
  for (const auto& [what, n] : outcomes)
    std::cout << " " << n << " x '" << what << "'";
  std::cout << "\n";
  EXPECT_EQ(report.error, errc::close_incomplete);
  EXPECT_EQ(report.cancelled_publishes, 100u);
  // 2 s of deadline, then up to 5 s of purge grace in KafkaProducer::close(); more is a hang.
  // A group member cannot do better than librdkafka: rd_kafka_destroy of a consumer waits
  // for its in-flight group request (the heartbeat, whose timeout is session.timeout.ms) even
  // with RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE, so its bound is the session timeout (6 s
  // here). Before the fix its close never returned: a blocking commit waits for ever.
  const auto bound = subscribe ? options.kafka.session_timeout + 2500ms : 7500ms;
  EXPECT_LT(took, bound) << "close(2 s) took "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                         << " ms";
  EXPECT_GE(took, 1900ms) << "close gave up before its deadline";
  EXPECT_EQ(thread_count_settling_at(baseline), baseline);
}

TEST(KafkaOwnBrokerFrozen, CloseOfAPublisherIsBoundedAndFiresEveryCompletionOnce) {
  close_against_frozen_broker(false);
}

TEST(KafkaOwnBrokerFrozen, CloseOfAGroupMemberIsBoundedToo) {
  close_against_frozen_broker(true);
}

}  // namespace
}  // namespace eventbus::testing
