// SPDX-License-Identifier: Apache-2.0
// A raw publish's key and headers (PublishCall::key, ::headers) arrive as sent, keep a key's
// messages in order, and what a transport cannot carry is refused naming it.
#include <algorithm>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// The headers of `got` named like those of `sent`, in their order (transports add their own).
Headers only_named_like(const Headers& sent, std::span<const Header> got) {
  Headers out;
  for (const Header& h : got) {
    const bool ours =
        std::any_of(sent.begin(), sent.end(), [&](const Header& s) { return s.first == h.first; });
    if (ours) out.push_back(h);
  }
  return out;
}

TEST_P(Conformance, RawPublishCarriesHeadersAndKey) {
  const std::string topic = unique_name("conf", "t");
  const Headers sent_headers{{"X-Source", "billing"}, {"X-Multi", "1"}, {"X-Multi", "2"}};
  Signal signal;
  std::optional<std::pair<std::string, Headers>> received;
  auto bus = make_bus();
  ASSERT_FALSE(bus->subscribe(topic,
                              [&](const Message& m) {
                                signal.update([&] {
                                  received.emplace(std::string(m.key),
                                                   only_named_like(sent_headers, m.headers));
                                });
                                return HandlerResult::ok();
                              })
                   .error());
  PublishCall call;
  call.headers = sent_headers;
  if (features.message_keys) call.key = "order-7";
  std::string detail;
  const std::error_code ec = bus->publish(
      topic, "body", [&](const PublishResult& r) { detail = r.detail; }, call);
  ASSERT_FALSE(ec) << ec.message() << ": " << detail;
  ASSERT_TRUE(signal.wait_for(20s, [&] { return received.has_value(); }));
  std::lock_guard lock(signal.mutex());
  EXPECT_EQ(received->first, call.key);
  EXPECT_EQ(received->second, sent_headers);
}

// Raw messages of one key (or, where messages have no key, one X-Aggregate-ID header) share a
// lane: handled in publish order even with many lanes.
TEST_P(Conformance, RawMessagesOfOneKeyKeepTheirOrder) {
  const std::string topic = unique_name("conf", "t");
  constexpr int kMessages = 200;
  Signal signal;
  std::vector<int> order;
  auto bus = make_bus([](BusOptions& o) { o.dispatch.workers = 4; });
  ASSERT_FALSE(bus->subscribe(topic,
                              [&](const Message& m) {
                                signal.update(
                                    [&] { order.push_back(std::stoi(std::string(m.payload))); });
                                return HandlerResult::ok();
                              })
                   .error());
  PublishCall call;
  if (features.message_keys) {
    call.key = "order-9";
  } else {
    call.headers = {{"X-Aggregate-ID", "order-9"}};
  }
  for (int i = 0; i < kMessages; ++i)
    ASSERT_FALSE(bus->publish(topic, std::to_string(i), {}, call));
  ASSERT_TRUE(signal.wait_for(30s, [&] { return order.size() >= kMessages; }));
  std::lock_guard lock(signal.mutex());
  for (int i = 0; i < kMessages; ++i)
    ASSERT_EQ(order[static_cast<std::size_t>(i)], i) << "at position " << i;
}

TEST_P(Conformance, EnvelopePublishCarriesHeaders) {
  const std::string topic = unique_name("conf", "t");
  const Headers sent_headers{{"X-Source", "billing"}};
  Signal signal;
  std::optional<Headers> received;
  auto bus = make_bus();
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope&, const Message& m) {
                                         signal.update([&] {
                                           received = only_named_like(sent_headers, m.headers);
                                         });
                                         return HandlerResult::ok();
                                       })
                   .error());
  PublishCall call;
  call.headers = sent_headers;
  ASSERT_FALSE(bus->publish_envelope(topic, test_envelope("order-1", 1), {}, call));
  ASSERT_TRUE(signal.wait_for(20s, [&] { return received.has_value(); }));
  std::lock_guard lock(signal.mutex());
  EXPECT_EQ(*received, sent_headers);
}

// Each refusal fires the completion once, before the call returns, with a detail naming what.
void expect_refused(Bus& bus, bool envelope, const PublishCall& call, errc code,
                    std::string_view named) {
  const std::string topic = unique_name("conf", "t");
  int fired = 0;
  std::string detail;
  auto done = [&](const PublishResult& r) {
    ++fired;
    detail = r.detail;
  };
  const std::error_code ec = envelope
                                 ? bus.publish_envelope(topic, test_envelope("a-1", 1), done, call)
                                 : bus.publish(topic, "x", done, call);
  EXPECT_EQ(ec, code) << named;
  EXPECT_EQ(fired, 1) << named;
  EXPECT_NE(detail.find(named), std::string::npos) << "detail: " << detail;
}

TEST_P(Conformance, KeyOrHeaderTheBusCannotSendIsRefusedNamingIt) {
  auto bus = make_bus();
  PublishCall call;
  call.key = "k";
  expect_refused(*bus, true, call, errc::invalid_option, "aggregate_id");
  if (!features.message_keys) expect_refused(*bus, false, call, errc::not_supported, "no key");
  call.key.clear();
  call.headers = {{"", "v"}};
  expect_refused(*bus, false, call, errc::invalid_option, "empty name");
  call.headers = {{"Traceparent", "00-x"}};
  expect_refused(*bus, false, call, errc::invalid_option, "PublishCall::traceparent");
  call.headers = {{"x-event-id", "e-1"}};
  expect_refused(*bus, true, call, errc::invalid_option, "X-Event-ID");
  if (GetParam().name == "nats") {
    call.headers = {{"X-Evil", "a\r\nX-Injected: 1"}};
    expect_refused(*bus, false, call, errc::invalid_option, "X-Evil");
    call.headers = {{"Bad Name", "v"}};
    expect_refused(*bus, false, call, errc::invalid_option, "\"Bad Name\"");
  }
  EXPECT_EQ(bus->stats().published, 0u) << "nothing refused reached the broker";
}

}  // namespace
}  // namespace eventbus::testing
