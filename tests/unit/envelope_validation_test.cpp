// SPDX-License-Identifier: Apache-2.0
// validate() enforces the WIRE.md rules; every failure names its field in code and detail.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "eventbus/codec.hpp"
#include "eventbus/envelope.hpp"
#include "eventbus/error.hpp"

namespace {

using eventbus::Envelope;
using eventbus::errc;
using eventbus::validate;

Envelope good() {
  Envelope e;
  e.event_id = "0193a5d2-7c1e-7b3a-9f00-2a4c6e8d0b11";
  e.aggregate_id = "order-42";
  e.event_type = "OrderPlaced";
  e.event_version = 3;
  e.timestamp = *eventbus::Timestamp::parse("2026-11-24T21:05:33.123456789Z");
  e.payload = R"({"amount":1999})";
  return e;
}

// Expects `e` to fail with `code` and exactly `detail`.
void expect_failure(const Envelope& e, errc code, const std::string& detail) {
  const auto error = validate(e);
  EXPECT_EQ(error.code, make_error_code(code)) << error.detail;
  EXPECT_EQ(error.detail, detail);
}

TEST(EnvelopeValidation, GoodEnvelopePasses) {
  EXPECT_FALSE(validate(good()));
}

TEST(EnvelopeValidation, EventIdMustNotBeBlank) {
  Envelope e = good();
  e.event_id = "";
  expect_failure(e, errc::invalid_event_id, "event_id: missing or empty");
  e.event_id = " \t\r\n";
  expect_failure(e, errc::invalid_event_id, "event_id: blank");
  e.event_id = " x ";  // any non-blank text: the Go SDK does not require a UUID
  EXPECT_FALSE(validate(e));
}

TEST(EnvelopeValidation, AggregateIdIsTrimmedThenChecked) {
  Envelope e = good();
  e.aggregate_id = " \t order-42\r\n";
  EXPECT_FALSE(validate(e));
  e.aggregate_id = "AZaz09:_-./";
  EXPECT_FALSE(validate(e));
  e.aggregate_id = "";
  expect_failure(e, errc::invalid_aggregate_id, "aggregate_id: missing or empty");
  e.aggregate_id = " \t\r\n";
  expect_failure(e, errc::invalid_aggregate_id, "aggregate_id: blank");
}

TEST(EnvelopeValidation, AggregateIdDetailNamesTheCharacterAndItsOffset) {
  Envelope e = good();
  e.aggregate_id = "order 42";
  expect_failure(e, errc::invalid_aggregate_id,
                 "aggregate_id: character ' ' at offset 5 is not allowed");
  e.aggregate_id = "  ordér";  // offsets count from the value as received
  expect_failure(e, errc::invalid_aggregate_id,
                 "aggregate_id: character U+00E9 at offset 5 is not allowed");
  e.aggregate_id = "a\x01";
  expect_failure(e, errc::invalid_aggregate_id,
                 "aggregate_id: character U+0001 at offset 1 is not allowed");
  e.aggregate_id = "a\xff";
  expect_failure(e, errc::invalid_aggregate_id,
                 "aggregate_id: character byte 0xff at offset 1 is not allowed");
  e.aggregate_id = "\xF0\x9F\x98\x80";
  expect_failure(e, errc::invalid_aggregate_id,
                 "aggregate_id: character U+1F600 at offset 0 is not allowed");
}

TEST(EnvelopeValidation, AggregateIdHoldsAtMost256Characters) {
  Envelope e = good();
  e.aggregate_id = std::string(256, 'a');
  EXPECT_FALSE(validate(e));
  e.aggregate_id = "  " + std::string(256, 'a') + "  ";  // blanks do not count
  EXPECT_FALSE(validate(e));
  e.aggregate_id = std::string(257, 'a');
  expect_failure(e, errc::invalid_aggregate_id, "aggregate_id: 257 characters, at most 256");
}

TEST(EnvelopeValidation, EventTypeMustNotBeBlank) {
  Envelope e = good();
  e.event_type = "";
  expect_failure(e, errc::invalid_event_type, "event_type: missing or empty");
  e.event_type = "\n";
  expect_failure(e, errc::invalid_event_type, "event_type: blank");
}

TEST(EnvelopeValidation, EventVersionMustBePositive) {
  Envelope e = good();
  e.event_version = 0;
  expect_failure(e, errc::invalid_event_version, "event_version: 0, must be > 0");
  e.event_version = -5;
  expect_failure(e, errc::invalid_event_version, "event_version: -5, must be > 0");
  e.event_version = INT64_MIN;
  EXPECT_EQ(validate(e).code, make_error_code(errc::invalid_event_version));
  e.event_version = INT64_MAX;
  EXPECT_FALSE(validate(e));
}

TEST(EnvelopeValidation, TimestampOffsetMustBeWritableByGo) {
  Envelope e = good();
  for (const std::int32_t ok : {0, 1439, -1439}) {
    e.timestamp.offset_minutes = ok;
    EXPECT_FALSE(validate(e)) << ok;
  }
  e.timestamp.offset_minutes = 1440;
  expect_failure(e, errc::invalid_timestamp,
                 "timestamp: zone offset of 1440 minutes is outside -23:59..+23:59");
  e.timestamp.offset_minutes = INT32_MIN;
  EXPECT_EQ(validate(e).code, make_error_code(errc::invalid_timestamp));
}

TEST(EnvelopeValidation, PayloadMustBeOneJsonValue) {
  Envelope e = good();
  for (const char* ok : {"null", "1e400", " [1, 2] ", "\"text\"", "{}"}) {
    e.payload = ok;
    EXPECT_FALSE(validate(e)) << ok;
  }
  e.payload = "";
  expect_failure(e, errc::invalid_payload, "payload: missing or empty");
  for (const char* bad : {" ", "{", "{} {}", "'a'", "\xEF\xBB\xBF{}", "[1,]", "\"\xff\""}) {
    e.payload = bad;
    const auto error = validate(e);
    EXPECT_EQ(error.code, make_error_code(errc::invalid_payload)) << bad;
    EXPECT_EQ(error.detail.rfind("payload: not valid JSON: ", 0), 0u) << error.detail;
  }
}

TEST(EnvelopeValidation, ReportsTheFirstBrokenFieldInWireOrder) {
  Envelope e;  // everything missing
  EXPECT_EQ(validate(e).code, make_error_code(errc::invalid_event_id));
  e.event_id = "id";
  EXPECT_EQ(validate(e).code, make_error_code(errc::invalid_aggregate_id));
  e.aggregate_id = "a";
  EXPECT_EQ(validate(e).code, make_error_code(errc::invalid_event_type));
  e.event_type = "T";
  EXPECT_EQ(validate(e).code, make_error_code(errc::invalid_event_version));
  e.event_version = 1;
  EXPECT_EQ(validate(e).code, make_error_code(errc::invalid_payload));
}

TEST(EnvelopeValidation, ValidationFailuresArePoison) {
  Envelope e = good();
  e.event_version = 0;
  EXPECT_TRUE(validate(e).code == eventbus::error_class::poison);
}

TEST(EnvelopeValidation, MakeEnvelopeSetsIdAndTime) {
  const auto before = std::chrono::system_clock::now();
  const Envelope e = eventbus::make_envelope("order-1", "OrderPlaced", 2, R"({"a":1})");
  EXPECT_FALSE(validate(e));
  EXPECT_EQ(e.event_id.size(), 36u);
  EXPECT_EQ(e.event_id[14], '7');
  EXPECT_EQ(e.aggregate_id, "order-1");
  EXPECT_EQ(e.event_type, "OrderPlaced");
  EXPECT_EQ(e.event_version, 2);
  EXPECT_EQ(e.payload, R"({"a":1})");
  EXPECT_LE(before, e.timestamp.utc);
  EXPECT_EQ(e.timestamp.offset_minutes, 0);
  EXPECT_TRUE(e.trace_id.empty() && e.correlation_id.empty() && e.tenant_id == 0);
}

TEST(EnvelopeValidation, EncodeRefusesAnInvalidEnvelopeAndLeavesOutAlone) {
  Envelope e = good();
  e.aggregate_id = "no spaces allowed";
  std::string out = "untouched";
  EXPECT_EQ(eventbus::encode(e, out).code, make_error_code(errc::invalid_aggregate_id));
  EXPECT_EQ(out, "untouched");
}

TEST(EnvelopeValidation, EncodeReplacesInvalidUtf8LikeGo) {
  Envelope e = good();
  e.event_type = "Order\xff";
  e.payload = "[ 1 ]";
  std::string out;
  ASSERT_FALSE(eventbus::encode(e, out));
  EXPECT_NE(out.find(R"("event_type":"Order\ufffd")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("payload":[1]})"), std::string::npos) << out;
}

TEST(EnvelopeValidation, MadeEnvelopeRoundTripsThroughTheCodec) {
  Envelope e = eventbus::make_envelope(" order-1 ", "Placed<&>", 7, "{ \"x\" : [1, 2.50] }");
  e.trace_id = "trace";
  e.tenant_id = -3;
  std::string wire;
  ASSERT_FALSE(eventbus::encode(e, wire));
  const auto decoded = eventbus::decode(wire);
  ASSERT_FALSE(decoded.error) << decoded.error.detail;
  EXPECT_EQ(decoded.envelope.payload, R"({"x":[1,2.50]})");  // compacted, numbers verbatim
  e.payload = decoded.envelope.payload;
  EXPECT_EQ(decoded.envelope, e);
}

}  // namespace
