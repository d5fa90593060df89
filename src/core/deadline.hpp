// Deadlines as the library passes them around: a steady-clock time point, and what C client
// calls take instead (an int of milliseconds).
#pragma once

#include <algorithm>
#include <chrono>

namespace eventbus::core {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

inline constexpr std::chrono::milliseconds::rep kDayMs = 24LL * 3600 * 1000;

// Milliseconds left until `deadline`, clamped to 0..24 h.
inline int ms_left(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(left.count(), 0, kDayMs));
}

}  // namespace eventbus::core
