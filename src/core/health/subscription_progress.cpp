// SPDX-License-Identifier: Apache-2.0
#include "core/health/subscription_progress.hpp"

namespace eventbus::core {

void SubscriptionProgress::accepted() noexcept {
  const std::uint64_t before = accepted_.fetch_add(1, std::memory_order_relaxed);
  if (before == finished_.load(std::memory_order_relaxed)) {
    last_progress_.store(ticks(Clock::now()), std::memory_order_relaxed);
  }
}

void SubscriptionProgress::handler_returned(bool success, std::int32_t partition,
                                            std::int64_t offset) noexcept {
  last_progress_.store(ticks(Clock::now()), std::memory_order_relaxed);
  if (!success) return;
  handled_.fetch_add(1, std::memory_order_relaxed);
  const auto wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  last_handled_ns_.store(wall.count(), std::memory_order_relaxed);
  last_partition_.store(partition, std::memory_order_relaxed);
  last_offset_.store(offset, std::memory_order_relaxed);
}

void SubscriptionProgress::fill(SubscriptionHealth& out, Clock::time_point now,
                                std::chrono::milliseconds stall_after) const {
  const std::uint64_t finished = finished_.load(std::memory_order_relaxed);
  const std::uint64_t accepted = accepted_.load(std::memory_order_relaxed);
  out.in_progress = accepted > finished ? accepted - finished : 0;
  out.handled = handled_.load(std::memory_order_relaxed);
  if (const std::int64_t ns = last_handled_ns_.load(std::memory_order_relaxed); ns != 0) {
    out.last_handled = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(ns)));
  }
  out.last_partition = last_partition_.load(std::memory_order_relaxed);
  out.last_offset = last_offset_.load(std::memory_order_relaxed);
  const Clock::time_point progress{Clock::duration(last_progress_.load(std::memory_order_relaxed))};
  out.stalled = out.in_progress > 0 && now - progress >= stall_after;
}

}  // namespace eventbus::core
