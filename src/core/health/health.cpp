// SPDX-License-Identifier: Apache-2.0
#include "eventbus/health.hpp"

#include <algorithm>

namespace eventbus {

bool Health::healthy() const noexcept {
  return connected && !closed &&
         std::none_of(subscriptions.begin(), subscriptions.end(),
                      [](const SubscriptionHealth& s) { return s.stalled; });
}

const char* to_string(AlertKind kind) noexcept {
  switch (kind) {
    case AlertKind::heartbeat_missing:
      return "heartbeat_missing";
    case AlertKind::lag:
      return "lag";
    case AlertKind::lag_age:
      return "lag_age";
    case AlertKind::stalled:
      return "stalled";
    case AlertKind::in_flight:
      return "in_flight";
    case AlertKind::ack_latency:
      return "ack_latency";
    case AlertKind::disconnected:
      return "disconnected";
  }
  return "unknown";
}

const char* to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
    case Severity::critical:
      return "critical";
  }
  return "unknown";
}

}  // namespace eventbus
