// SPDX-License-Identifier: Apache-2.0
#include "message_view.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "eventbus/codec.hpp"
#include "eventbus/timestamp.hpp"

namespace eventbus::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string rfc3339(std::chrono::system_clock::time_point at) {
  Timestamp t;
  t.utc = std::chrono::time_point_cast<std::chrono::nanoseconds>(at);
  return t.format();
}

// Bytes that are not UTF-8 are shown with U+FFFD instead of failing the whole line.
std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json envelope_json(const Envelope& e) {
  Json out{{"event_id", e.event_id},
           {"aggregate_id", e.aggregate_id},
           {"event_type", e.event_type},
           {"event_version", e.event_version},
           {"timestamp", e.timestamp.format()}};
  if (!e.trace_id.empty()) out["trace_id"] = e.trace_id;
  if (!e.correlation_id.empty()) out["correlation_id"] = e.correlation_id;
  if (e.tenant_id != 0) out["tenant_id"] = e.tenant_id;
  out["payload"] = Json::parse(e.payload, nullptr, false);  // valid: decode checked it
  return out;
}

Json message_json(const StoredMessage& m) {
  Json headers = Json::array();
  for (const auto& [name, value] : m.headers)
    headers.push_back(Json::array({name, value}));
  Json out{{"topic", m.topic},
           {"partition", m.partition},
           {"offset", m.offset},
           {"stored_at", rfc3339(m.stored_at)}};
  if (!m.key.empty()) out["key"] = m.key;
  out["headers"] = std::move(headers);
  if (const DecodeResult decoded = decode(m.payload)) {
    out["envelope"] = envelope_json(decoded.envelope);
  } else {
    out["decode_error"] = decoded.error.detail;
    out["payload"] = m.payload;
  }
  return out;
}

std::string pretty_message(const StoredMessage& m) {
  std::string out = m.topic;
  if (m.partition >= 0) out += " partition " + std::to_string(m.partition);
  out += (m.partition >= 0 ? " offset " : " sequence ") + std::to_string(m.offset) + "  " +
         rfc3339(m.stored_at) + "\n";
  if (!m.key.empty()) out += "  key: " + m.key + "\n";
  for (const auto& [name, value] : m.headers)
    out += "  " + name + ": " + value + "\n";
  if (const DecodeResult decoded = decode(m.payload)) {
    const Envelope& e = decoded.envelope;
    out += "  event " + e.event_type + " v" + std::to_string(e.event_version) + " of " +
           e.aggregate_id + "  id " + e.event_id + "  at " + e.timestamp.format();
    if (e.tenant_id != 0) out += "  tenant " + std::to_string(e.tenant_id);
    if (!e.trace_id.empty()) out += "  trace " + e.trace_id;
    out += "\n  payload: " + e.payload + "\n";
  } else {
    out += "  not an envelope: " + decoded.error.detail + "\n  bytes: " + m.payload + "\n";
  }
  return out;
}

}  // namespace

std::string view_message(const StoredMessage& message, ViewFormat format) {
  if (format == ViewFormat::json) return dump(message_json(message)) + "\n";
  return pretty_message(message) + "\n";
}

std::string view_dead_letter(const DeadLetter& letter, ViewFormat format) {
  if (format == ViewFormat::json) {
    Json out = message_json(letter.stored);
    out["dead_letter"] = Json{{"original_topic", letter.original_topic},
                              {"error", letter.error},
                              {"error_code", letter.error_code},
                              {"attempts", letter.attempts},
                              {"replays", letter.replays},
                              {"aggregate_id", letter.aggregate_id},
                              {"event_id", letter.event_id}};
    return dump(out) + "\n";
  }
  std::string out = "dead letter of " + letter.original_topic + ": " + letter.error + " (" +
                    letter.error_code + ", " + std::to_string(letter.attempts) + " attempts";
  if (letter.replays > 0) out += ", replayed " + std::to_string(letter.replays) + " times before";
  out += ")\n";
  return out + pretty_message(letter.stored) + "\n";
}

}  // namespace eventbus::cli
