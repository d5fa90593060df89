// SPDX-License-Identifier: Apache-2.0
// A flag that, once raised, wakes every thread sleeping on it: what lets close() end the waits
// for rate-limit tokens at once instead of after the tokens come.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace eventbus::core {

class StopSignal {
 public:
  using Clock = std::chrono::steady_clock;

  // Sleeps until `wake`; true when it got there, false when stop() came first (at once when it
  // had already come).
  bool sleep_until(Clock::time_point wake);
  // Raises the flag and wakes every sleeper; later sleeps return false at once.
  void stop() noexcept;
  bool stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> stopped_{false};
  std::mutex mutex_;
  std::condition_variable raised_;
};

}  // namespace eventbus::core
