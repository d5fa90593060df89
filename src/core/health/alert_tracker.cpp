// SPDX-License-Identifier: Apache-2.0
#include "core/health/alert_tracker.hpp"

namespace eventbus::core {

std::optional<Alert> AlertTracker::update(Alert alert, std::optional<Severity> severity) {
  const Key key{alert.kind, alert.topic, alert.group};
  const auto it = raised_.find(key);
  if (!severity) {
    if (it == raised_.end()) return std::nullopt;
    alert.severity = it->second;
    alert.cleared = true;
    raised_.erase(it);
    return alert;
  }
  if (it != raised_.end() && it->second >= *severity) return std::nullopt;
  raised_[key] = *severity;
  alert.severity = *severity;
  alert.cleared = false;
  return alert;
}

}  // namespace eventbus::core
