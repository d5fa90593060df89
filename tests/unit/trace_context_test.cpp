// SPDX-License-Identifier: Apache-2.0
// W3C traceparent: parse and format (every invalid form the specification names), child
// contexts, and which header a publish sends and a delivery reads.
#include "eventbus/trace_context.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/wire/traceparent_header.hpp"
#include "eventbus/error.hpp"

namespace {

using eventbus::format_traceparent;
using eventbus::parse_traceparent;
using eventbus::TraceContext;

constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kParentId = "00f067aa0ba902b7";
constexpr const char* kHeader = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(Traceparent, ParsesTheSpecificationsExample) {
  const auto context = parse_traceparent(kHeader);
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->trace_id, kTraceId);
  EXPECT_EQ(context->parent_id, kParentId);
  EXPECT_EQ(context->flags, 0x01);
  EXPECT_EQ(format_traceparent(*context), kHeader);
  const auto unsampled =
      parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(unsampled.has_value());
  EXPECT_EQ(unsampled->flags, 0);
  EXPECT_EQ(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff")->flags,
            0xff);
}

TEST(Traceparent, FormatsFlagsAsTwoLowercaseHexDigits) {
  EXPECT_EQ(format_traceparent(TraceContext{kTraceId, kParentId, 0xab}),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ab");
  EXPECT_EQ(format_traceparent(TraceContext{kTraceId, kParentId, 0}),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
}

TEST(Traceparent, EveryInvalidFormIsRefused) {
  const std::string good = kHeader;
  const char* const bad[] = {
      "",
      "00",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",     // 54: flags too short
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011",   // 56: version 00 is 55
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // nothing after 00's flags
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",     // trace id of 31
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",     // parent id of 15
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // uppercase trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",    // uppercase parent id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",    // uppercase flags
      "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // uppercase version
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff is invalid
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // all-zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // all-zero parent id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",    // wrong separator
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",  // not hex
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
      "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // surrounding blanks
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",  // later version: '-' next
  };
  for (const char* header : bad)
    EXPECT_FALSE(parse_traceparent(header).has_value()) << '"' << header << '"';
  EXPECT_TRUE(parse_traceparent(good).has_value());
}

TEST(Traceparent, ALaterVersionIsReadAsFarAsVersion00Goes) {
  const auto context =
      parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next");
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->trace_id, kTraceId);
  EXPECT_EQ(format_traceparent(*context), kHeader) << "passed on as version 00";
  EXPECT_TRUE(parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
}

TEST(Traceparent, AChildKeepsTheTraceAndFlagsWithANewParent) {
  const TraceContext parent{kTraceId, kParentId, 0x01};
  std::set<std::string> parents;
  for (int i = 0; i < 100; ++i) {
    const TraceContext child = eventbus::child_context(parent);
    EXPECT_EQ(child.trace_id, kTraceId);
    EXPECT_EQ(child.flags, 0x01);
    EXPECT_NE(child.parent_id, kParentId);
    EXPECT_TRUE(parse_traceparent(format_traceparent(child)).has_value()) << child.parent_id;
    parents.insert(child.parent_id);
  }
  EXPECT_EQ(parents.size(), 100u) << "parent ids are random";
}

TEST(Traceparent, ARootContextStartsANewSampledTrace) {
  std::set<std::string> traces;
  for (int i = 0; i < 100; ++i) {
    const TraceContext root = eventbus::root_context();
    EXPECT_TRUE(eventbus::is_valid_trace_id(root.trace_id)) << root.trace_id;
    EXPECT_EQ(root.flags, 0x01);
    const auto parsed = parse_traceparent(format_traceparent(root));
    ASSERT_TRUE(parsed.has_value()) << format_traceparent(root);
    EXPECT_EQ(parsed->trace_id, root.trace_id);
    traces.insert(root.trace_id);
  }
  EXPECT_EQ(traces.size(), 100u) << "trace ids are random";
  EXPECT_EQ(eventbus::root_context(0x00).flags, 0x00);
}

TEST(Traceparent, TraceIdsAre32LowercaseHexNotAllZero) {
  EXPECT_TRUE(eventbus::is_valid_trace_id(kTraceId));
  EXPECT_FALSE(eventbus::is_valid_trace_id("00000000000000000000000000000000"));
  EXPECT_FALSE(eventbus::is_valid_trace_id("4BF92F3577B34DA6A3CE929D0E0E4736"));
  EXPECT_FALSE(eventbus::is_valid_trace_id("4bf92f3577b34da6a3ce929d0e0e473"));
  EXPECT_FALSE(eventbus::is_valid_trace_id("trace-abc"));
  EXPECT_FALSE(eventbus::is_valid_trace_id(""));
  const std::string id = eventbus::new_parent_id();
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
}

TEST(OutgoingTraceparent, TheCallsOwnIsSentAsGiven) {
  eventbus::PublishCall call;
  call.traceparent = kHeader;
  eventbus::Envelope envelope;
  envelope.trace_id = "11111111111111111111111111111111";  // the call's wins
  std::string out, detail;
  EXPECT_FALSE(eventbus::core::outgoing_traceparent(call, &envelope, out, detail));
  EXPECT_EQ(out, kHeader);
  out.clear();
  EXPECT_FALSE(eventbus::core::outgoing_traceparent(call, nullptr, out, detail));
  EXPECT_EQ(out, kHeader) << "raw publishes send the call's too";
}

TEST(OutgoingTraceparent, AnInvalidOneIsRefusedNamingTraceparent) {
  eventbus::PublishCall call;
  call.traceparent = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01";
  std::string out, detail;
  EXPECT_EQ(eventbus::core::outgoing_traceparent(call, nullptr, out, detail),
            eventbus::errc::invalid_traceparent);
  EXPECT_EQ(detail.rfind("traceparent: \"00-4BF92F", 0), 0u) << detail;
  EXPECT_TRUE(out.empty());
  call.traceparent = std::string(10000, 'a');
  EXPECT_TRUE(eventbus::core::outgoing_traceparent(call, nullptr, out, detail));
  EXPECT_LT(detail.size(), 300u) << "a huge value is clipped: " << detail.size();
}

TEST(OutgoingTraceparent, AnEnvelopeWithAW3CTraceIdGetsOneCarryingIt) {
  eventbus::Envelope envelope;
  envelope.trace_id = kTraceId;
  std::string out, detail;
  EXPECT_FALSE(eventbus::core::outgoing_traceparent({}, &envelope, out, detail));
  const auto context = parse_traceparent(out);
  ASSERT_TRUE(context.has_value()) << out;
  EXPECT_EQ(context->trace_id, kTraceId);
  EXPECT_EQ(context->flags, 0x01);
  for (const char* other :
       {"", "trace-abc", "4BF92F3577B34DA6A3CE929D0E0E4736", "00000000000000000000000000000000"}) {
    envelope.trace_id = other;
    out.clear();
    EXPECT_FALSE(eventbus::core::outgoing_traceparent({}, &envelope, out, detail));
    EXPECT_TRUE(out.empty()) << "no traceparent for trace_id \"" << other << '"';
  }
  out.clear();
  EXPECT_FALSE(eventbus::core::outgoing_traceparent({}, nullptr, out, detail));
  EXPECT_TRUE(out.empty()) << "a raw publish sends one only when the call gives it";
}

TEST(IncomingTraceparent, TheFirstValidHeaderOfThatNameInAnyCase) {
  using eventbus::Headers;
  using eventbus::core::incoming_traceparent;
  EXPECT_EQ(incoming_traceparent(Headers{{"X-Trace-ID", "t"}, {"traceparent", kHeader}}), kHeader);
  EXPECT_EQ(incoming_traceparent(Headers{{"Traceparent", kHeader}}), kHeader);
  EXPECT_EQ(incoming_traceparent(Headers{{"TRACEPARENT", kHeader}}), kHeader);
  EXPECT_EQ(incoming_traceparent(Headers{{"traceparent", "garbage"}}), "");
  EXPECT_EQ(incoming_traceparent(Headers{{"traceparentx", kHeader}}), "");
  EXPECT_EQ(incoming_traceparent(Headers{}), "");
}

}  // namespace
