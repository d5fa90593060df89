// SPDX-License-Identifier: Apache-2.0
// Captures what buses without a handler of their own log while it lives (through the process's
// default log handler), to check what they say and that no secret is ever written to a log.
#pragma once

#include <mutex>
#include <string>

#include "eventbus/log.hpp"

namespace eventbus::testing {

class LogCapture {
 public:
  LogCapture() {
    set_default_log_handler([this](const LogRecord& r) {
      std::lock_guard lock(mutex_);
      text_ += std::string(to_string(r.level)) + " " + std::string(r.component) + ": " +
               std::string(r.message) + "\n";
    });
  }
  ~LogCapture() { set_default_log_handler({}); }  // back to stderr
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() const {
    std::lock_guard lock(mutex_);
    return text_;
  }

 private:
  mutable std::mutex mutex_;
  std::string text_;
};

}  // namespace eventbus::testing
