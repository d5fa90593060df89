// SPDX-License-Identifier: Apache-2.0
// Envelope <-> JSON, byte-compatible with Go's encoding/json on the SDK's Envelope struct.
//
// Encoding builds the string directly (it is on the publish hot path). Decoding first checks
// the whole document, collecting the raw bytes of each top-level member, then applies the
// members in document order as Go does: later duplicates win, and null leaves a field as is.
#include "eventbus/codec.hpp"

#include <array>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/wire/envelope_rules.hpp"
#include "core/wire/go_json.hpp"
#include "core/wire/json_scanner.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

enum class Field {
  event_id,
  aggregate_id,
  event_type,
  event_version,
  timestamp,
  trace_id,
  correlation_id,
  tenant_id,
  payload,
  unknown,
};

// Indexed by Field.
constexpr std::array<std::string_view, 9> kFieldNames = {
    "event_id", "aggregate_id",   "event_type", "event_version", "timestamp",
    "trace_id", "correlation_id", "tenant_id",  "payload"};

ValidationError fail(errc code, std::string detail) {
  return {make_error_code(code), std::move(detail)};
}

// Go matches a key to a field exactly, else under Unicode simple case folding. Our field names
// are ASCII lower case and '_'; besides ASCII upper case, only U+017F (long s, folds to 's') and
// U+212A (Kelvin sign, folds to 'k') share their fold sets.
bool matches_field(std::string_view key, std::string_view field) noexcept {
  std::size_t i = 0;
  for (const char f : field) {
    if (i >= key.size()) return false;
    const char c = key[i];
    if (c == f || (c >= 'A' && c <= 'Z' && c - 'A' + 'a' == f)) {
      ++i;
    } else if (f == 's' && key.substr(i, 2) == "\xC5\xBF") {
      i += 2;
    } else if (f == 'k' && key.substr(i, 3) == "\xE2\x84\xAA") {
      i += 3;
    } else {
      return false;
    }
  }
  return i == key.size();
}

Field find_field(std::string_view key) noexcept {
  for (std::size_t i = 0; i < kFieldNames.size(); ++i) {
    if (matches_field(key, kFieldNames[i])) return static_cast<Field>(i);
  }
  return Field::unknown;
}

// The text of a checked string token: its inner bytes when it has no escapes, else nlohmann's
// unescaping (which agrees with check_json on what is valid, so it does not fail in practice).
bool unescape(std::string_view token, std::string& out) {
  const std::string_view inner = token.substr(1, token.size() - 2);
  if (inner.find('\\') == std::string_view::npos) {
    out.assign(inner);
    return true;
  }
  const auto parsed = nlohmann::json::parse(token, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_string()) return false;
  out = parsed.get_ref<const std::string&>();
  return true;
}

const char* kind_of(std::string_view value) noexcept {
  switch (value.front()) {
    case '"':
      return "a string";
    case '{':
      return "an object";
    case '[':
      return "an array";
    case 't':
    case 'f':
      return "a boolean";
    case 'n':
      return "null";
    default:
      return "a number";
  }
}

// At most 40 bytes of `s` for an error detail, cut at a character boundary.
std::string clip(std::string_view s) {
  if (s.size() <= 40) return std::string(s);
  std::size_t n = 40;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
    --n;
  return std::string(s.substr(0, n)) + "...";
}

ValidationError read_string(std::string_view value, std::string_view field, errc code,
                            std::string& out) {
  if (value == "null") return {};
  if (value.front() != '"') {
    return fail(code, std::string(field) + ": expected a string, got " + kind_of(value));
  }
  if (!unescape(value, out)) return fail(errc::malformed_json, "json: bad string token");
  return {};
}

// Like Go's strconv.ParseInt on the number literal: no fraction, no exponent, within int64.
ValidationError read_int(std::string_view value, std::string_view field, errc code,
                         std::int64_t& out) {
  if (value == "null") return {};
  if (value.front() != '-' && (value.front() < '0' || value.front() > '9')) {
    return fail(code, std::string(field) + ": expected an integer, got " + kind_of(value));
  }
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec == std::errc::result_out_of_range) {
    return fail(code, std::string(field) + ": " + clip(value) + " is outside the int64 range");
  }
  if (ec != std::errc{} || end != value.data() + value.size()) {
    return fail(code, std::string(field) + ": " + clip(value) + " is not an integer");
  }
  out = number;
  return {};
}

// Go's time.Time.UnmarshalJSON parses the bytes between the quotes without unescaping them.
ValidationError read_timestamp(std::string_view value, Timestamp& out, bool& seen) {
  if (value == "null") return {};
  if (value.front() != '"') {
    return fail(errc::invalid_timestamp,
                std::string("timestamp: expected a string, got ") + kind_of(value));
  }
  const auto parsed = Timestamp::parse(value.substr(1, value.size() - 2));
  if (!parsed) {
    return fail(errc::invalid_timestamp,
                "timestamp: " + clip(value) +
                    " is not RFC 3339 with a zone, or not within 1677-09-21..2262-04-11");
  }
  out = *parsed;
  seen = true;
  return {};
}

ValidationError apply(const detail::JsonMember& member, Envelope& env, bool& timestamp_seen) {
  std::string key;
  if (!unescape(member.key, key)) return fail(errc::malformed_json, "json: bad key token");
  const std::string_view v = member.value;
  switch (find_field(key)) {
    case Field::event_id:
      return read_string(v, "event_id", errc::invalid_event_id, env.event_id);
    case Field::aggregate_id:
      return read_string(v, "aggregate_id", errc::invalid_aggregate_id, env.aggregate_id);
    case Field::event_type:
      return read_string(v, "event_type", errc::invalid_event_type, env.event_type);
    case Field::event_version:
      return read_int(v, "event_version", errc::invalid_event_version, env.event_version);
    case Field::timestamp:
      return read_timestamp(v, env.timestamp, timestamp_seen);
    case Field::trace_id:
      return read_string(v, "trace_id", errc::invalid_trace_id, env.trace_id);
    case Field::correlation_id:
      return read_string(v, "correlation_id", errc::invalid_correlation_id, env.correlation_id);
    case Field::tenant_id:
      return read_int(v, "tenant_id", errc::invalid_tenant_id, env.tenant_id);
    case Field::payload:
      env.payload.assign(v);
      return {};  // raw bytes; null stays "null"
    case Field::unknown:
      return {};
  }
  return {};
}

void append_int(std::string& out, std::int64_t value) {
  char text[24];
  const auto result = std::to_chars(text, text + sizeof text, value);
  out.append(text, result.ptr);
}

void append_field(std::string& out, std::string_view name_and_colon, std::string_view value) {
  out += name_and_colon;
  detail::append_go_string(out, value);
}

}  // namespace

ValidationError encode(const Envelope& e, std::string& out) {
  if (auto error = validate(e)) return error;
  out.reserve(out.size() + 160 + e.event_id.size() + e.aggregate_id.size() + e.event_type.size() +
              e.trace_id.size() + e.correlation_id.size() + e.payload.size());
  append_field(out, R"({"event_id":)", e.event_id);
  append_field(out, R"(,"aggregate_id":)", e.aggregate_id);
  append_field(out, R"(,"event_type":)", e.event_type);
  out += R"(,"event_version":)";
  append_int(out, e.event_version);
  out += R"(,"timestamp":")";
  e.timestamp.append_to(out);  // digits, '-', ':', '.', 'T', 'Z', '+': nothing to escape
  out += '"';
  if (!e.trace_id.empty()) append_field(out, R"(,"trace_id":)", e.trace_id);
  if (!e.correlation_id.empty()) append_field(out, R"(,"correlation_id":)", e.correlation_id);
  if (e.tenant_id != 0) {
    out += R"(,"tenant_id":)";
    append_int(out, e.tenant_id);
  }
  out += R"(,"payload":)";
  detail::append_go_compact(out, e.payload);
  out += '}';
  return {};
}

DecodeResult decode(std::string_view json) {
  DecodeResult result;
  // Views into `json`, used up before returning: one vector per thread keeps its capacity, so
  // a decode allocates only the envelope's own strings. A document with very many members
  // does not leave its capacity behind.
  thread_local std::vector<detail::JsonMember> members;
  struct Scratch {
    std::vector<detail::JsonMember>& used;
    ~Scratch() {
      used.clear();
      if (used.capacity() > 64) std::vector<detail::JsonMember>().swap(used);
    }
  } scratch{members};
  if (const auto error = detail::check_json(json, &members)) {
    result.error = fail(errc::malformed_json, error.describe("json"));
    return result;
  }
  const std::string_view value = json.substr(json.find_first_not_of(" \t\r\n"));
  if (value.front() != '{') {
    result.error = fail(errc::malformed_json, std::string("json: the top-level value is ") +
                                                  kind_of(value) + ", not an object");
    return result;
  }
  bool timestamp_seen = false;
  for (const auto& member : members) {
    result.error = apply(member, result.envelope, timestamp_seen);
    if (result.error) return result;
  }
  // The payload's bytes were checked with the document: they are one valid JSON value.
  result.error = detail::validate_envelope(result.envelope, detail::PayloadJson::checked);
  // validate() sees the default epoch for a missing timestamp; report it in wire order, after
  // the fields that come before it.
  const bool before_timestamp = result.error && result.error.code != errc::invalid_timestamp &&
                                result.error.code != errc::invalid_payload;
  if (!timestamp_seen && !before_timestamp) {
    result.error = fail(errc::invalid_timestamp, "timestamp: missing");
  }
  return result;
}

}  // namespace eventbus
