// SPDX-License-Identifier: Apache-2.0
// What a soak run (eventbus-bench --soak) was asked to do: publish at a fixed rate for a fixed
// time, after a warm-up, and the limits its verdict holds the process to.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace eventbus::bench {

struct SoakSettings {
  std::chrono::seconds duration{0};  // 0: no soak, the pressure levels instead
  std::uint64_t rate = 2000;         // messages per second, all topics together
  std::chrono::seconds warmup{60};   // not judged for RSS and threads
  std::chrono::seconds minute{60};   // one summary interval ("minute")
  std::chrono::seconds drain{60};    // after the last send: wait this long without progress
  double rss_tolerance = 0.10;       // last measured minute's mean RSS vs the first's
  std::size_t thread_spread = 0;     // max - min threads over the measured minutes

  bool enabled() const noexcept { return duration.count() > 0; }
  std::uint64_t messages() const noexcept {
    return rate * static_cast<std::uint64_t>(duration.count());
  }
  std::size_t minutes() const noexcept {  // planned intervals, the last one maybe partial
    return static_cast<std::size_t>((duration.count() + minute.count() - 1) / minute.count());
  }
  std::size_t warmup_minutes() const noexcept {
    return static_cast<std::size_t>((warmup.count() + minute.count() - 1) / minute.count());
  }
};

// "10m", "90s", "1h", "600" (seconds); nullopt when malformed, zero or negative.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace eventbus::bench
