// SPDX-License-Identifier: Apache-2.0
// Deadlines as the library passes them around: a steady-clock time point, and what C client
// calls take instead (an int of milliseconds).
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

namespace eventbus::core {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

inline constexpr std::chrono::milliseconds::rep kDayMs = 24LL * 3600 * 1000;

// Milliseconds left until `deadline`, clamped to 0..24 h.
inline int ms_left(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, kDayMs));
}

// Waits `how_long`, or less when `stop` is requested: a thread's pause between attempts that a
// close() ends at once.
inline void pause_unless_stopped(std::stop_token stop, std::chrono::milliseconds how_long) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, how_long, [] { return false; });
}

}  // namespace eventbus::core
