// SPDX-License-Identifier: Apache-2.0
// The docs/wire-format.md rules of an envelope, checked field by field in wire order.
#include "eventbus/envelope.hpp"

#include <cstdio>

#include "core/wire/envelope_rules.hpp"
#include "core/wire/go_json.hpp"
#include "core/wire/json_scanner.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

// Only ASCII blanks: the same set the aggregate id is trimmed of.
constexpr std::string_view kBlanks = " \t\r\n";
constexpr std::size_t kMaxAggregateId = 256;
constexpr std::int64_t kMaxOffsetMinutes = 24 * 60 - 1;

ValidationError fail(errc code, std::string detail) {
  return {make_error_code(code), std::move(detail)};
}

std::string_view trim(std::string_view s) noexcept {
  const std::size_t first = s.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlanks) - first + 1);
}

bool allowed_in_aggregate_id(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '_' || c == '-' || c == '.' || c == '/';
}

// "' '" for printable ASCII, "U+00E9" for other characters, "byte 0xff" for invalid UTF-8:
// a detail must show the culprit without echoing unprintable bytes into logs.
std::string describe_character(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c >= 0x20 && c < 0x7F) return std::string{'\'', s[i], '\''};
  const std::size_t n = detail::utf8_sequence_length(s, i);
  char text[16];
  if (n == 0) {
    std::snprintf(text, sizeof text, "byte 0x%02x", c);
    return text;
  }
  static constexpr unsigned kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  unsigned code_point = c & kLeadMask[n];
  for (std::size_t k = 1; k < n; ++k)
    code_point = code_point << 6 | (s[i + k] & 0x3F);
  std::snprintf(text, sizeof text, "U+%04X", code_point);
  return text;
}

ValidationError check_required_text(std::string_view value, std::string_view field, errc code) {
  if (!trim(value).empty()) return {};
  std::string detail(field);
  detail += value.empty() ? ": missing or empty" : ": blank";
  return fail(code, std::move(detail));
}

// Surrounding blanks are trimmed before the check, as the Go SDK does; offsets in the detail
// count from the start of the value as received.
ValidationError check_aggregate_id(std::string_view raw) {
  constexpr errc code = errc::invalid_aggregate_id;
  const std::string_view id = trim(raw);
  if (id.empty()) {
    return fail(code, raw.empty() ? "aggregate_id: missing or empty" : "aggregate_id: blank");
  }
  const std::size_t lead = static_cast<std::size_t>(id.data() - raw.data());
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (allowed_in_aggregate_id(id[i])) continue;
    return fail(code, "aggregate_id: character " + describe_character(id, i) + " at offset " +
                          std::to_string(lead + i) + " is not allowed");
  }
  if (id.size() > kMaxAggregateId) {  // all ASCII by now, so bytes are characters
    return fail(code, "aggregate_id: " + std::to_string(id.size()) + " characters, at most " +
                          std::to_string(kMaxAggregateId));
  }
  return {};
}

// Go's time.MarshalJSON refuses zone offsets of 24 hours or more and years outside 0..9999;
// an envelope Go could not write is not valid. The year needs no check: sys_time<nanoseconds>
// spans 1677..2262, and an offset under a day cannot move that outside 0..9999.
ValidationError check_timestamp(const Timestamp& t) {
  const std::int64_t offset = t.offset_minutes;
  if (offset < -kMaxOffsetMinutes || offset > kMaxOffsetMinutes) {
    return fail(errc::invalid_timestamp, "timestamp: zone offset of " + std::to_string(offset) +
                                             " minutes is outside -23:59..+23:59");
  }
  return {};
}

ValidationError check_payload(std::string_view payload) {
  if (payload.empty()) return fail(errc::invalid_payload, "payload: missing or empty");
  if (const auto error = detail::check_json(payload)) {
    return fail(errc::invalid_payload, error.describe("payload: not valid JSON"));
  }
  return {};
}

}  // namespace

namespace detail {

ValidationError validate_envelope(const Envelope& envelope, PayloadJson payload) {
  if (auto e = check_required_text(envelope.event_id, "event_id", errc::invalid_event_id)) return e;
  if (auto e = check_aggregate_id(envelope.aggregate_id)) return e;
  if (auto e = check_required_text(envelope.event_type, "event_type", errc::invalid_event_type)) {
    return e;
  }
  if (envelope.event_version <= 0) {
    return fail(errc::invalid_event_version,
                "event_version: " + std::to_string(envelope.event_version) + ", must be > 0");
  }
  if (auto e = check_timestamp(envelope.timestamp)) return e;
  if (payload == PayloadJson::checked) {
    return envelope.payload.empty() ? fail(errc::invalid_payload, "payload: missing or empty")
                                    : ValidationError{};
  }
  return check_payload(envelope.payload);
}

}  // namespace detail

ValidationError validate(const Envelope& envelope) {
  return detail::validate_envelope(envelope, detail::PayloadJson::unchecked);
}

Envelope make_envelope(std::string aggregate_id, std::string event_type, std::int64_t version,
                       std::string payload) {
  Envelope envelope;
  envelope.event_id = new_event_id();
  envelope.aggregate_id = std::move(aggregate_id);
  envelope.event_type = std::move(event_type);
  envelope.event_version = version;
  envelope.timestamp = Timestamp::now();
  envelope.payload = std::move(payload);
  return envelope;
}

}  // namespace eventbus
