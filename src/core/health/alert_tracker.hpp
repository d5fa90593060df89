// SPDX-License-Identifier: Apache-2.0
// Turns sampled conditions into alerts: one when a condition starts, one when its severity
// rises, one when it clears; nothing while it stays as it was. Monitor thread only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "eventbus/health.hpp"

namespace eventbus::core {

class AlertTracker {
 public:
  // The condition named by alert.kind/topic/group now holds at `severity`, or does not hold
  // (nullopt). Returns the alert to raise, if any; alert.severity and cleared are set here.
  std::optional<Alert> update(Alert alert, std::optional<Severity> severity);

 private:
  using Key = std::tuple<AlertKind, std::string, std::string>;
  std::map<Key, Severity> raised_;
};

}  // namespace eventbus::core
