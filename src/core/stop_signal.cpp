// SPDX-License-Identifier: Apache-2.0
#include "core/stop_signal.hpp"

namespace eventbus::core {

bool StopSignal::sleep_until(Clock::time_point wake) {
  if (stopped()) return false;
  if (Clock::now() >= wake) return true;
  std::unique_lock lock(mutex_);
  // The flag is read under the mutex stop() takes to notify: no wake-up is lost.
  return !raised_.wait_until(lock, wake, [&] { return stopped(); });
}

void StopSignal::stop() noexcept {
  stopped_.store(true, std::memory_order_release);
  std::lock_guard lock(mutex_);
  raised_.notify_all();
}

}  // namespace eventbus::core
