// SPDX-License-Identifier: Apache-2.0
/// @file
/// Where the library's log lines go: the application's handler, or stderr. The library never
/// writes to stdout, and the client libraries' own messages (librdkafka's log, nats.c's
/// connection events) come through the same handler.
#pragma once

#include <functional>
#include <string_view>

namespace eventbus {

/// How important a log record is.
enum class LogLevel { debug, info, warning, error };

/// One log line, as a LogHandler receives it. The views are valid only during the call.
struct LogRecord {
  LogLevel level = LogLevel::info;  ///< how important it is
  /// Who speaks: "bus", "monitor", "nats", "kafka", or the client library itself: "nats.c",
  /// "librdkafka".
  std::string_view component;
  std::string_view message;  ///< one line; never a secret (passwords, tokens, URL user info)
};

/// Called on whatever thread logs (a caller's, a lane worker's, the client libraries' own),
/// possibly on several at once: it must be thread-safe and quick, must not throw (what it throws
/// is swallowed), and must not call back into the bus.
using LogHandler = std::function<void(const LogRecord&)>;

/// Where a bus's log lines go (BusOptions::log), and from which level on.
struct LogOptions {
  /// Empty: the process's default handler (set_default_log_handler), or stderr when none is set.
  LogHandler handler;
  LogLevel level = LogLevel::info;  ///< records below it are neither formatted nor passed on
};

/// The handler of every bus whose LogOptions::handler is empty, from now on (buses already
/// running included); an empty handler restores stderr. Thread-safe.
void set_default_log_handler(LogHandler handler);

/// The built-in handler: one line on stderr, "2026-12-03T02:41:15.123Z warning nats: ...".
void write_log_to_stderr(const LogRecord& record);

/// The level's name: "debug", "info", "warning" or "error".
const char* to_string(LogLevel level) noexcept;

}  // namespace eventbus
