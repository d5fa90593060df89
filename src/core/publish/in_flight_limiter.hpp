// SPDX-License-Identifier: Apache-2.0
// Bounds the publishes awaiting a broker ack. The fast path is one compare-and-swap; only a
// caller that finds the bound reached takes the mutex to wait, so the common case adds no lock.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <system_error>

namespace eventbus::core {

class InFlightLimiter {
 public:
  explicit InFlightLimiter(std::size_t limit) noexcept
      : limit_(limit), wake_at_(limit - std::max<std::size_t>(1, std::min(limit, limit / 8))) {}

  // Takes a slot. With no room: fails at once (in_flight_limit) when `deadline` has passed,
  // otherwise waits until then (publish_timeout). Returns closed after shutdown().
  std::error_code acquire(std::chrono::steady_clock::time_point deadline);
  void release() noexcept;
  // Wakes every waiter with `closed`; later acquires fail with closed too.
  void shutdown() noexcept;

  std::size_t in_flight() const noexcept { return count_.load(std::memory_order_relaxed); }
  std::size_t limit() const noexcept { return limit_; }

 private:
  bool try_acquire() noexcept;

  const std::size_t limit_;
  // Waiters are woken once the count is down to this, an eighth of the bound below it, all at
  // once: waking one per release (one per broker ack) cost two context switches per message
  // while publishers kept the bound full. A release above it leaves them to their deadline or
  // a later release, which under load comes within microseconds.
  const std::size_t wake_at_;
  std::atomic<std::size_t> count_{0};
  std::atomic<std::size_t> waiters_{0};
  std::atomic<bool> shut_{false};
  std::mutex mutex_;
  std::condition_variable room_;
};

}  // namespace eventbus::core
