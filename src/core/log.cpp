// SPDX-License-Identifier: Apache-2.0
#include "core/log.hpp"

#include <fmt/chrono.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <shared_mutex>

namespace eventbus {
namespace {

std::shared_mutex default_mutex;
LogHandler default_handler;  // guarded by default_mutex; empty: stderr

}  // namespace

const char* to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warning:
      return "warning";
    case LogLevel::error:
      return "error";
  }
  return "?";
}

void set_default_log_handler(LogHandler handler) {
  std::unique_lock lock(default_mutex);
  default_handler = std::move(handler);
}

void write_log_to_stderr(const LogRecord& record) {
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const std::string line = fmt::format("{:%FT%T}Z {} {}: {}\n", now, to_string(record.level),
                                       record.component, record.message);
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines of threads do not mix
}

namespace core {

void Log::emit(LogLevel level, std::string_view component,
               std::string_view message) const noexcept {
  if (!enabled(level)) return;
  const LogRecord record{level, component, message};
  try {
    if (options_.handler) {
      options_.handler(record);
      return;
    }
    std::shared_lock lock(default_mutex);
    if (default_handler) {
      default_handler(record);
      return;
    }
    lock.unlock();
    write_log_to_stderr(record);
  } catch (...) {  // the application's handler threw: the record is lost, the caller is not
  }
}

}  // namespace core
}  // namespace eventbus
