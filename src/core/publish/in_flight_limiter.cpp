// SPDX-License-Identifier: Apache-2.0
#include "core/publish/in_flight_limiter.hpp"

#include "eventbus/error.hpp"

namespace eventbus::core {

bool InFlightLimiter::try_acquire() noexcept {
  std::size_t now = count_.load();
  while (now < limit_) {
    if (count_.compare_exchange_weak(now, now + 1)) return true;
  }
  return false;
}

std::error_code InFlightLimiter::acquire(std::chrono::steady_clock::time_point deadline) {
  if (shut_.load()) return make_error_code(errc::closed);
  if (try_acquire()) return {};
  if (std::chrono::steady_clock::now() >= deadline) return make_error_code(errc::in_flight_limit);
  std::unique_lock lock(mutex_);
  // Counted before the re-check under the lock, so a release that follows sees a waiter and
  // notifies under this same mutex: no wake-up is lost.
  waiters_.fetch_add(1);
  bool got = false;
  while (!(got = try_acquire()) && !shut_.load()) {
    if (room_.wait_until(lock, deadline) == std::cv_status::timeout) {
      got = try_acquire();
      break;
    }
  }
  waiters_.fetch_sub(1);
  if (got) return {};
  return make_error_code(shut_.load() ? errc::closed : errc::publish_timeout);
}

void InFlightLimiter::release() noexcept {
  const std::size_t left = count_.fetch_sub(1) - 1;
  if (waiters_.load() > 0 && left <= wake_at_) {
    std::lock_guard lock(mutex_);
    room_.notify_all();
  }
}

void InFlightLimiter::shutdown() noexcept {
  shut_.store(true);
  std::lock_guard lock(mutex_);
  room_.notify_all();
}

}  // namespace eventbus::core
