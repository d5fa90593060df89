// SPDX-License-Identifier: Apache-2.0
// W3C traceparent against the broker: a call's traceparent reaches the handler as a header and
// fills an empty envelope trace_id; an envelope with a W3C trace id gets a traceparent carrying
// it; any other trace id gets none; an invalid traceparent is refused before anything is sent.
#include <map>
#include <string>

#include "conformance/conformance.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr const char* kEnvelopeTraceId = "0af7651916cd43dd8448eb211c80319c";

struct Seen {
  std::string trace_id;     // the envelope's, as the handler got it
  std::string traceparent;  // Message::traceparent
  int headers = 0;          // headers named exactly "traceparent"
};

TEST_P(Conformance, TraceparentTravelsAndFillsAnEmptyTraceId) {
  const std::string topic = unique_name("conf", "t");
  Signal signal;
  std::map<std::string, Seen> seen;  // by aggregate id
  auto bus = make_bus();
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope& e, const Message& m) {
                                         Seen s{e.trace_id, std::string(m.traceparent), 0};
                                         for (const auto& [name, value] : m.headers)
                                           s.headers += name == "traceparent" ? 1 : 0;
                                         signal.update(
                                             [&] { seen.emplace(e.aggregate_id, std::move(s)); });
                                         return HandlerResult::ok();
                                       })
                   .error());

  Envelope given = test_envelope("tp-given", 1);
  given.trace_id.clear();
  PublishCall with_traceparent;
  with_traceparent.traceparent = kTraceparent;
  Envelope w3c = test_envelope("tp-w3c", 1);
  w3c.trace_id = kEnvelopeTraceId;
  const Envelope other = test_envelope("tp-other", 1);  // trace_id "trace-tp-other"
  ASSERT_FALSE(bus->publish_envelope(topic, given, {}, with_traceparent));
  ASSERT_FALSE(bus->publish_envelope(topic, w3c));
  ASSERT_FALSE(bus->publish_envelope(topic, other));

  PublishCall invalid;
  invalid.traceparent = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01";
  std::string detail;
  EXPECT_EQ(bus->publish_envelope(
                topic, test_envelope("tp-invalid", 1),
                [&](const PublishResult& r) { detail = r.detail; }, invalid),
            errc::invalid_traceparent);
  EXPECT_EQ(detail.rfind("traceparent: ", 0), 0u) << detail;

  ASSERT_TRUE(signal.wait_for(30s, [&] { return seen.size() >= 3; }));
  EXPECT_FALSE(bus->close(10s).error);
  std::lock_guard lock(signal.mutex());
  EXPECT_EQ(seen.count("tp-invalid"), 0u);

  const Seen& a = seen.at("tp-given");
  EXPECT_EQ(a.traceparent, kTraceparent);
  EXPECT_EQ(a.headers, 1);
  EXPECT_EQ(a.trace_id, kTraceId) << "filled from the header";

  const Seen& b = seen.at("tp-w3c");
  const auto context = parse_traceparent(b.traceparent);
  ASSERT_TRUE(context.has_value()) << "got \"" << b.traceparent << '"';
  EXPECT_EQ(context->trace_id, kEnvelopeTraceId);
  EXPECT_EQ(context->flags, 0x01);
  EXPECT_EQ(b.headers, 1);
  EXPECT_EQ(b.trace_id, kEnvelopeTraceId) << "the envelope is unchanged";

  const Seen& c = seen.at("tp-other");
  EXPECT_TRUE(c.traceparent.empty()) << c.traceparent;
  EXPECT_EQ(c.headers, 0);
  EXPECT_EQ(c.trace_id, "trace-tp-other");
}

}  // namespace
}  // namespace eventbus::testing
