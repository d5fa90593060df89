// SPDX-License-Identifier: Apache-2.0
/// @file
/// An instant with nanosecond precision and the UTC offset it was written in.
///
/// Go's time.Time keeps its zone and writes it back (RFC 3339, trailing zeros of the fraction
/// trimmed, "Z" for UTC). Keeping the offset lets a C++ service re-encode an envelope it read
/// from a Go service byte for byte.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eventbus {

/// An instant with nanosecond precision and the UTC offset it was written in.
struct Timestamp {
  std::chrono::sys_time<std::chrono::nanoseconds> utc{};  ///< the instant; default: the epoch
  std::int32_t offset_minutes = 0;                        ///< east of UTC; 0 is written as "Z"

  /// The current time, in UTC.
  static Timestamp now() noexcept;
  /// Parses RFC 3339 with an optional 1..9 digit fraction and a mandatory zone ("Z" or +hh:mm).
  static std::optional<Timestamp> parse(std::string_view text) noexcept;
  /// Formats like Go's time.RFC3339Nano: fraction without trailing zeros, "Z" for UTC.
  std::string format() const;
  /// Appends what format() returns to `out`.
  void append_to(std::string& out) const;

  /// The same instant written in the same offset.
  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

}  // namespace eventbus
