// SPDX-License-Identifier: Apache-2.0
// The library's side of LogOptions: formats only what passes the level, then hands the line to
// the bus's handler, the process default, or stderr. Shared (shared_ptr) by everything a bus
// starts, including client-library callbacks that may outlive the Bus object while a handle is
// closed in the background.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "eventbus/log.hpp"

namespace eventbus::core {

class Log {
 public:
  explicit Log(LogOptions options = {}) : options_(std::move(options)) {}

  bool enabled(LogLevel level) const noexcept { return level >= options_.level; }

  template <typename... Args>
  void write(LogLevel level, std::string_view component, fmt::format_string<Args...> format,
             Args&&... args) const noexcept {
    if (!enabled(level)) return;
    try {
      emit(level, component, fmt::format(format, std::forward<Args>(args)...));
    } catch (...) {  // a failed format or allocation must not take the caller down
    }
  }
  template <typename... Args>
  void debug(std::string_view c, fmt::format_string<Args...> f, Args&&... a) const noexcept {
    write(LogLevel::debug, c, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void info(std::string_view c, fmt::format_string<Args...> f, Args&&... a) const noexcept {
    write(LogLevel::info, c, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void warn(std::string_view c, fmt::format_string<Args...> f, Args&&... a) const noexcept {
    write(LogLevel::warning, c, f, std::forward<Args>(a)...);
  }
  template <typename... Args>
  void error(std::string_view c, fmt::format_string<Args...> f, Args&&... a) const noexcept {
    write(LogLevel::error, c, f, std::forward<Args>(a)...);
  }

  // A line that is already text (a client library's own message).
  void emit(LogLevel level, std::string_view component, std::string_view message) const noexcept;

 private:
  LogOptions options_;
};

using LogPtr = std::shared_ptr<const Log>;

}  // namespace eventbus::core
