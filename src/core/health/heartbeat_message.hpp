// SPDX-License-Identifier: Apache-2.0
// The health-check heartbeat on the wire: JSON in the shape of the Go SDK's health-check
// message, so either side's watcher can read the other's heartbeats.
//   {"messageId":"<uuidv7>","timestamp":"<RFC 3339>","source":"<client name>",
//    "eventBusType":"kafka","version":"1"}
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "eventbus/timestamp.hpp"

namespace eventbus::core {

struct HeartbeatMessage {
  std::string message_id;
  Timestamp timestamp;
  std::string source;
  std::string bus_type;
  std::string version = "1";
};

std::string encode_heartbeat(const HeartbeatMessage& message);
// Empty with `error` naming the problem when `json` is not a heartbeat.
std::optional<HeartbeatMessage> decode_heartbeat(std::string_view json, std::string& error);

}  // namespace eventbus::core
