// SPDX-License-Identifier: Apache-2.0
// Runs every vector of tests/vectors/envelopes.json through the codec. The vectors' "encoded"
// bytes and "expect" fields come from Go's encoding/json (tests/vectors/gen checks them), so
// passing here means decoding and re-encoding byte-compatible with the Go SDK.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "eventbus/codec.hpp"
#include "eventbus/error.hpp"

#ifndef EVENTBUS_VECTORS_DIR
#error "define EVENTBUS_VECTORS_DIR as the directory holding envelopes.json"
#endif

namespace {

using eventbus::errc;
using nlohmann::json;

const json& vectors() {
  static const json doc = [] {
    std::ifstream in(std::string(EVENTBUS_VECTORS_DIR) + "/envelopes.json");
    return json::parse(in);
  }();
  return doc;
}

std::string base64_decode(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0, count = 0;
  for (const char c : text) {
    const auto index = kAlphabet.find(c);
    if (index == std::string_view::npos) continue;  // '=' padding
    bits = bits << 6 | static_cast<unsigned>(index);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

std::string input_of(const json& vector) {
  if (vector.contains("input_base64"))
    return base64_decode(vector["input_base64"].get<std::string>());
  return vector.at("input").get<std::string>();
}

std::string name_of(const json& vector) {
  return vector.at("name").get<std::string>();
}

// The errc a vector names, and the field its detail must start with.
struct NamedError {
  std::string_view name;
  errc code;
  std::string_view field;
};

constexpr NamedError kErrors[] = {
    {"malformed_json", errc::malformed_json, "json"},
    {"invalid_event_id", errc::invalid_event_id, "event_id"},
    {"invalid_aggregate_id", errc::invalid_aggregate_id, "aggregate_id"},
    {"invalid_event_type", errc::invalid_event_type, "event_type"},
    {"invalid_event_version", errc::invalid_event_version, "event_version"},
    {"invalid_timestamp", errc::invalid_timestamp, "timestamp"},
    {"invalid_trace_id", errc::invalid_trace_id, "trace_id"},
    {"invalid_correlation_id", errc::invalid_correlation_id, "correlation_id"},
    {"invalid_tenant_id", errc::invalid_tenant_id, "tenant_id"},
    {"invalid_payload", errc::invalid_payload, "payload"},
};

const NamedError* error_named(std::string_view name) {
  for (const auto& error : kErrors) {
    if (error.name == name) return &error;
  }
  return nullptr;
}

void expect_fields(const eventbus::Envelope& e, const json& x) {
  EXPECT_EQ(e.event_id, x["event_id"].get<std::string>());
  EXPECT_EQ(e.aggregate_id, x["aggregate_id"].get<std::string>());
  EXPECT_EQ(e.event_type, x["event_type"].get<std::string>());
  EXPECT_EQ(e.event_version, x["event_version"].get<std::int64_t>());
  EXPECT_EQ(e.timestamp.utc.time_since_epoch().count(),
            x["timestamp_unix_nano"].get<std::int64_t>());
  EXPECT_EQ(e.timestamp.offset_minutes, x["timestamp_offset_minutes"].get<int>());
  EXPECT_EQ(e.trace_id, x["trace_id"].get<std::string>());
  EXPECT_EQ(e.correlation_id, x["correlation_id"].get<std::string>());
  EXPECT_EQ(e.tenant_id, x["tenant_id"].get<std::int64_t>());
  EXPECT_EQ(e.payload, x["payload"].get<std::string>());
}

TEST(CodecVectors, FileHoldsUniquelyNamedVectors) {
  std::set<std::string> names;
  for (const char* kind : {"valid", "invalid"}) {
    for (const auto& v : vectors().at(kind))
      EXPECT_TRUE(names.insert(name_of(v)).second) << name_of(v);
  }
  EXPECT_GE(vectors()["valid"].size(), 40u);
  EXPECT_GE(vectors()["invalid"].size(), 80u);
}

TEST(CodecVectors, ValidInputsDecodeToTheFieldsGoDecodes) {
  for (const auto& v : vectors()["valid"]) {
    SCOPED_TRACE(name_of(v));
    const auto result = eventbus::decode(input_of(v));
    EXPECT_FALSE(result.error) << result.error.detail;
    expect_fields(result.envelope, v["expect"]);
  }
}

TEST(CodecVectors, ValidInputsReencodeToTheBytesGoWrites) {
  for (const auto& v : vectors()["valid"]) {
    SCOPED_TRACE(name_of(v));
    const auto result = eventbus::decode(input_of(v));
    std::string out = "kept:";  // encode appends; it must not clear what is there
    const auto error = eventbus::encode(result.envelope, out);
    EXPECT_FALSE(error) << error.detail;
    EXPECT_EQ(out, "kept:" + v["encoded"].get<std::string>());
  }
}

TEST(CodecVectors, EncodedBytesAreAFixedPoint) {
  for (const auto& v : vectors()["valid"]) {
    SCOPED_TRACE(name_of(v));
    const std::string encoded = v["encoded"].get<std::string>();
    const auto result = eventbus::decode(encoded);
    EXPECT_FALSE(result.error) << result.error.detail;
    std::string out;
    EXPECT_FALSE(eventbus::encode(result.envelope, out));
    EXPECT_EQ(out, encoded);
  }
}

TEST(CodecVectors, InvalidInputsFailNamingTheField) {
  for (const auto& v : vectors()["invalid"]) {
    SCOPED_TRACE(name_of(v));
    const NamedError* expected = error_named(v.at("error").get<std::string>());
    ASSERT_NE(expected, nullptr) << "unknown error name in the vector file";
    const auto result = eventbus::decode(input_of(v));
    EXPECT_EQ(result.error.code, make_error_code(expected->code)) << result.error.detail;
    EXPECT_EQ(result.error.detail.rfind(std::string(expected->field) + ": ", 0), 0u)
        << result.error.detail;
  }
}

TEST(CodecVectors, InvalidInputsArePoison) {
  for (const auto& v : vectors()["invalid"]) {
    SCOPED_TRACE(name_of(v));
    EXPECT_TRUE(eventbus::decode(input_of(v)).error.code == eventbus::error_class::poison);
  }
}

}  // namespace
