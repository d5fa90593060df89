// SPDX-License-Identifier: Apache-2.0
#include "core/health/heartbeat_message.hpp"

#include <nlohmann/json.hpp>

namespace eventbus::core {

std::string encode_heartbeat(const HeartbeatMessage& message) {
  const nlohmann::json json = {{"messageId", message.message_id},
                               {"timestamp", message.timestamp.format()},
                               {"source", message.source},
                               {"eventBusType", message.bus_type},
                               {"version", message.version}};
  return json.dump();
}

std::optional<HeartbeatMessage> decode_heartbeat(std::string_view json, std::string& error) {
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    error = "health message: not valid JSON";
    return std::nullopt;
  }
  if (!parsed.is_object()) {
    error = "health message: not a JSON object";
    return std::nullopt;
  }
  HeartbeatMessage message;
  const auto text = [&](const char* key, std::string& out) {
    const auto it = parsed.find(key);
    if (it == parsed.end() || !it->is_string()) {
      error = std::string("health message: ") + key + ": missing or not a string";
      return false;
    }
    out = it->get<std::string>();
    return true;
  };
  std::string timestamp;
  if (!text("messageId", message.message_id) || !text("timestamp", timestamp) ||
      !text("source", message.source)) {
    return std::nullopt;
  }
  const std::optional<Timestamp> when = Timestamp::parse(timestamp);
  if (!when) {
    error = "health message: timestamp: not RFC 3339: '" + timestamp + "'";
    return std::nullopt;
  }
  message.timestamp = *when;
  // Optional: older senders may leave them out.
  if (const auto it = parsed.find("eventBusType"); it != parsed.end() && it->is_string()) {
    message.bus_type = it->get<std::string>();
  }
  if (const auto it = parsed.find("version"); it != parsed.end() && it->is_string()) {
    message.version = it->get<std::string>();
  }
  return message;
}

}  // namespace eventbus::core
