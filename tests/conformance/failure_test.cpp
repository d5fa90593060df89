// SPDX-License-Identifier: Apache-2.0
// At-least-once delivery, poison events and bad bytes: retried in order, dead-lettered with
// the reason, never stalling the stream and never lost.
#include <map>
#include <set>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/order_tracker.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

struct DeadLetter {
  std::string payload;
  std::map<std::string, std::string> headers;
};

// Subscribes to "<topic>.dlq" and keeps what arrives.
class DeadLetterInbox {
 public:
  std::error_code watch(Bus& bus, const std::string& topic) {
    return bus
        .subscribe(topic + ".dlq",
                   [this](const Message& m) {
                     DeadLetter letter{std::string(m.payload), {}};
                     for (const auto& [k, v] : m.headers)
                       letter.headers[k] = v;
                     signal_.update([&] { letters_.push_back(std::move(letter)); });
                     return HandlerResult::ok();
                   })
        .error();
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) {
    return signal_.wait_for(timeout, [&] { return letters_.size() >= count; });
  }
  std::vector<DeadLetter> letters() {
    std::lock_guard lock(signal_.mutex());
    return letters_;
  }

 private:
  Signal signal_;
  std::vector<DeadLetter> letters_;
};

TEST_P(Conformance, FailedHandlerSeesTheMessageAgain) {
  const std::string topic = unique_name("conf", "t");
  Signal signal;
  std::vector<std::uint32_t> attempts;
  auto bus = make_bus([](BusOptions& o) { o.dispatch.retry.initial_backoff = 1ms; });
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope&, const Message& m) {
                                         bool first = false;
                                         signal.update([&] {
                                           attempts.push_back(m.attempt);
                                           first = attempts.size() == 1;
                                         });
                                         return first ? HandlerResult::fail("first time fails")
                                                      : HandlerResult::ok();
                                       })
                   .error());
  ASSERT_FALSE(bus->publish_envelope_sync(topic, test_envelope("a-1", 1), 20s).error);
  ASSERT_TRUE(signal.wait_for(20s, [&] { return attempts.size() >= 2; }));
  EXPECT_FALSE(bus->close(10s).error);
  EXPECT_EQ(attempts, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_GE(bus->stats().retried, 1u);
  EXPECT_EQ(bus->stats().dead_lettered, 0u);
}

TEST_P(Conformance, PoisonEventIsDeadLetteredAndTheAggregateKeepsItsOrder) {
  constexpr std::uint32_t kAttempts = 3;
  const std::string topic = unique_name("conf", "t");
  DeadLetterInbox inbox;
  OrderTracker poison_aggregate, others;
  std::atomic<std::uint32_t> poison_calls{0};
  auto bus = make_bus([](BusOptions& o) {
    o.dispatch.lanes = 16;
    o.dispatch.retry.max_attempts = kAttempts;
    o.dispatch.retry.initial_backoff = 200ms;
    o.dispatch.retry.max_backoff = 200ms;
  });
  ASSERT_FALSE(inbox.watch(*bus, topic));
  ASSERT_FALSE(bus->subscribe_envelope(
                      topic,
                      [&](const Envelope& e, const Message&) {
                        if (e.aggregate_id != "poisoned") {
                          others.record(e.aggregate_id, e.event_version, e.event_id);
                          return HandlerResult::ok();
                        }
                        if (e.event_version == 2) {
                          poison_calls++;
                          throw std::runtime_error(
                              "cannot apply version 2");  // thrown, not returned
                        }
                        poison_aggregate.record(e.aggregate_id, e.event_version, e.event_id);
                        return HandlerResult::ok();
                      })
                   .error());
  const Envelope poison = test_envelope("poisoned", 2);
  for (int v = 1; v <= 5; ++v) {
    const Envelope e = v == 2 ? poison : test_envelope("poisoned", v);
    ASSERT_FALSE(bus->publish_envelope(topic, e));
    for (int a = 0; a < 50; ++a)
      ASSERT_FALSE(bus->publish_envelope(topic, test_envelope("ok-" + std::to_string(a), v)));
  }
  ASSERT_TRUE(inbox.wait_for(1, 30s));
  // Causal, not timed: while the poisoned aggregate sat in its backoff, the aggregates on the
  // other 15 lanes moved on; at most the few sharing its lane waited.
  EXPECT_GE(others.distinct(), 200u) << "other aggregates were held up by the poison";
  ASSERT_TRUE(poison_aggregate.wait_for_distinct(4, 30s));
  ASSERT_TRUE(others.wait_for_distinct(250, 30s));
  EXPECT_FALSE(bus->close(10s).error);
  EXPECT_EQ(poison_calls.load(), kAttempts);
  EXPECT_EQ(poison_aggregate.order_violations(), 0u) << "versions 1, 3, 4, 5 in order";
  EXPECT_EQ(poison_aggregate.duplicates(), 0u);
  EXPECT_EQ(others.order_violations(), 0u);
  EXPECT_EQ(others.duplicates(), 0u);
  const std::vector<DeadLetter> letters = inbox.letters();
  ASSERT_EQ(letters.size(), 1u);
  std::string encoded;
  ASSERT_FALSE(encode(poison, encoded));
  EXPECT_EQ(letters[0].payload, encoded) << "the dead letter carries the original bytes";
  EXPECT_EQ(letters[0].headers.at("X-DLQ-Original-Topic"), topic);
  EXPECT_EQ(letters[0].headers.at("X-DLQ-Attempts"), std::to_string(kAttempts));
  EXPECT_NE(letters[0].headers.at("X-DLQ-Error").find("cannot apply version 2"), std::string::npos);
  EXPECT_EQ(bus->stats().dead_lettered, 1u);
}

TEST_P(Conformance, BadBytesOnAnEnvelopeTopicGoToTheDeadLetterTopic) {
  const std::string topic = unique_name("conf", "t");
  DeadLetterInbox inbox;
  auto bus = make_bus();
  ASSERT_FALSE(inbox.watch(*bus, topic));
  OrderTracker good;
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope& e, const Message&) {
                                         good.record(e.aggregate_id, e.event_version, e.event_id);
                                         return HandlerResult::ok();
                                       })
                   .error());
  std::string invalid_aggregate, version_zero;
  Envelope e = test_envelope("ok", 1);
  ASSERT_FALSE(encode(e, invalid_aggregate));
  invalid_aggregate.replace(invalid_aggregate.find("\"ok\""), 4, "\"not ok!\"");
  ASSERT_FALSE(encode(e, version_zero));
  version_zero.replace(version_zero.find("\"event_version\":1"), 17, "\"event_version\":0");
  std::string invalid_utf8, too_long_aggregate;
  ASSERT_FALSE(encode(e, invalid_utf8));
  invalid_utf8.replace(invalid_utf8.find("\"ok\""), 4,
                       "\"o\xc3\x28\"");  // a broken 2-byte sequence
  ASSERT_FALSE(encode(e, too_long_aggregate));
  too_long_aggregate.replace(too_long_aggregate.find("\"ok\""), 4,
                             "\"" + std::string(300, 'a') + "\"");
  const std::map<std::string, std::string> bad{
      {std::string("\x00\x01garbage\xfe", 10), "json"},
      {R"({"event_id":"x","aggregate_id":"a","eve)", "json"},
      {invalid_aggregate, "aggregate_id"},
      {version_zero, "event_version"},
      {invalid_utf8, "UTF-8"},
      {too_long_aggregate, "aggregate_id"},
  };
  int version = 1;
  for (const auto& [bytes, field] : bad) {
    ASSERT_FALSE(bus->publish_envelope(topic, test_envelope("good", version++)));
    ASSERT_FALSE(bus->publish(topic, bytes));
  }
  ASSERT_FALSE(bus->publish_envelope(topic, test_envelope("good", version)));
  ASSERT_TRUE(inbox.wait_for(bad.size(), 30s));
  ASSERT_TRUE(good.wait_for_distinct(bad.size() + 1, 30s)) << "the stream kept going";
  EXPECT_FALSE(bus->close(10s).error);
  EXPECT_EQ(good.order_violations(), 0u);
  EXPECT_EQ(good.duplicates(), 0u);
  EXPECT_EQ(bus->stats().decode_errors, bad.size());
  std::map<std::string, std::string> errors_by_payload;
  for (const DeadLetter& letter : inbox.letters()) {
    errors_by_payload[letter.payload] = letter.headers.at("X-DLQ-Error");
  }
  ASSERT_EQ(errors_by_payload.size(), bad.size()) << "each bad message exactly once";
  for (const auto& [bytes, field] : bad) {
    ASSERT_TRUE(errors_by_payload.count(bytes)) << "raw bytes kept: " << bytes;
    EXPECT_NE(errors_by_payload[bytes].find(field), std::string::npos)
        << errors_by_payload[bytes] << " should name " << field;
  }
}

// Larger than what the broker takes (nats-server max_payload, Kafka message.max.bytes, the
// memory transport's max_message_bytes, all about 1 MB): refused on publish with
// message_too_large, and the topic goes on.
TEST_P(Conformance, MessageLargerThanTheBrokerTakesFailsItsPublishAndTheTopicGoesOn) {
  const std::string topic = unique_name("conf", "t");
  OrderTracker good;
  auto bus = make_bus();
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope& e, const Message&) {
                                         good.record(e.aggregate_id, e.event_version, e.event_id);
                                         return HandlerResult::ok();
                                       })
                   .error());
  const std::string big_payload = R"({"blob":")" + std::string(2 << 20, 'x') + "\"}";
  const OwnedPublishResult big =
      bus->publish_envelope_sync(topic, make_envelope("big", "Huge", 1, big_payload), 30s);
  EXPECT_EQ(big.error, make_error_code(errc::message_too_large)) << big.detail;
  EXPECT_FALSE(big.detail.empty()) << "the refusal says why";
  ASSERT_FALSE(bus->publish_envelope_sync(topic, test_envelope("after", 1), 30s).error);
  ASSERT_TRUE(good.wait_for_distinct(1, 30s)) << "the topic kept going";
  EXPECT_FALSE(bus->close(10s).error);
  EXPECT_EQ(good.distinct(), 1u);
}

}  // namespace
}  // namespace eventbus::testing
