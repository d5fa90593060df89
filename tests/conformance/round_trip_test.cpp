// SPDX-License-Identifier: Apache-2.0
// Raw and envelope messages arrive as they were sent; publishes report where they landed.
#include <vector>

#include "conformance/conformance.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST_P(Conformance, RawMessagesArriveByteForByte) {
  const std::string topic = unique_name("conf", "t");
  Signal signal;
  std::vector<std::string> received;
  auto bus = make_bus();
  ASSERT_FALSE(bus->subscribe(topic,
                              [&](const Message& m) {
                                signal.update([&] { received.emplace_back(m.payload); });
                                EXPECT_EQ(m.topic, topic);
                                return HandlerResult::ok();
                              })
                   .error());
  const std::vector<std::string> sent{"plain text", std::string("\0binary\xff", 8), "{\"a\":1}"};
  for (const auto& payload : sent)
    ASSERT_FALSE(bus->publish(topic, payload));
  ASSERT_TRUE(signal.wait_for(20s, [&] { return received.size() >= sent.size(); }));
  std::lock_guard lock(signal.mutex());
  // One publisher, no aggregate: raw messages may take different lanes, so compare as sets.
  EXPECT_EQ(std::multiset<std::string>(received.begin(), received.end()),
            std::multiset<std::string>(sent.begin(), sent.end()));
}

TEST_P(Conformance, EnvelopeRoundTripKeepsEveryField) {
  const std::string topic = unique_name("conf", "t");
  Envelope sent = test_envelope("order-42", 3);
  sent.correlation_id = "corr-1";
  sent.tenant_id = 7;
  sent.timestamp = *Timestamp::parse("2026-11-24T21:05:33.123456789+08:00");
  Signal signal;
  std::optional<Envelope> received;
  auto bus = make_bus();
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope& e, const Message& m) {
                                         EXPECT_EQ(m.topic, topic);
                                         EXPECT_EQ(m.attempt, 1u);
                                         signal.update([&] { received = e; });
                                         return HandlerResult::ok();
                                       })
                   .error());
  const OwnedPublishResult result = bus->publish_envelope_sync(topic, sent, 20s);
  ASSERT_FALSE(result.error) << result.error.message() << ": " << result.detail;
  EXPECT_EQ(result.topic, topic);
  EXPECT_EQ(result.event_id, sent.event_id);
  EXPECT_EQ(result.aggregate_id, "order-42");
  EXPECT_GE(result.offset, 0) << "where it was stored";
  ASSERT_TRUE(signal.wait_for(20s, [&] { return received.has_value(); }));
  std::lock_guard lock(signal.mutex());
  EXPECT_EQ(*received, sent);
}

TEST_P(Conformance, InvalidEnvelopeIsRefusedNamingTheField) {
  auto bus = make_bus();
  Envelope bad = test_envelope("has space", 1);
  int fired = 0;
  std::error_code seen;
  const std::error_code ec =
      bus->publish_envelope(unique_name("conf", "t"), bad, [&](const PublishResult& r) {
        ++fired;
        seen = r.error;
        EXPECT_NE(r.detail.find("aggregate_id"), std::string_view::npos) << r.detail;
      });
  EXPECT_EQ(ec, errc::invalid_aggregate_id);
  EXPECT_EQ(seen, errc::invalid_aggregate_id);
  EXPECT_EQ(fired, 1) << "the completion fires exactly once, before publish returns";
  EXPECT_TRUE(ec == error_class::poison);
}

TEST_P(Conformance, InvalidTopicIsRefused) {
  auto bus = make_bus();
  for (const std::string topic : {"", "has space", "wild.*", "wild.>", "a..b", "caf\xc3\xa9"}) {
    EXPECT_EQ(bus->publish(topic, "x"), errc::invalid_topic) << topic;
    EXPECT_EQ(bus->subscribe(topic, [](const Message&) { return HandlerResult::ok(); }).error(),
              errc::invalid_topic)
        << topic;
  }
}

TEST_P(Conformance, PublishAfterCloseFailsWithClosed) {
  auto bus = make_bus();
  EXPECT_FALSE(bus->close(5s).error);
  int fired = 0;
  EXPECT_EQ(bus->publish(unique_name("conf", "t"), "x",
                         [&](const PublishResult& r) {
                           ++fired;
                           EXPECT_EQ(r.error, errc::closed);
                         }),
            errc::closed);
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace eventbus::testing
