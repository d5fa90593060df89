// SPDX-License-Identifier: Apache-2.0
// One line to the application's log handler, if it gave one. A handler must not throw; what it
// throws is swallowed, as the bus does.
#pragma once

#include <string>
#include <string_view>

#include "eventbus/log.hpp"

namespace eventbus::outbox {

inline void log_line(const LogHandler& handler, LogLevel level, std::string_view component,
                     const std::string& message) {
  if (!handler) return;
  try {
    handler(LogRecord{level, component, message});
  } catch (...) {  // NOLINT(bugprone-empty-catch): see above
  }
}

}  // namespace eventbus::outbox
