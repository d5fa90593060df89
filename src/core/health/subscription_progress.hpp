// SPDX-License-Identifier: Apache-2.0
// One subscription's progress as health() reports it: counted with relaxed atomics on the
// dispatcher's paths (a few per message), read by health() and the monitor thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "eventbus/health.hpp"

namespace eventbus::core {

class SubscriptionProgress {
 public:
  using Clock = std::chrono::steady_clock;

  // A delivery entered the dispatcher. Work arriving at an idle subscription restarts the
  // stall clock: a handler that has not run yet is not stuck.
  void accepted() noexcept;
  // A handler call returned (any result); on success also where the message was.
  void handler_returned(bool success, std::int32_t partition, std::int64_t offset) noexcept;
  // The dispatcher is done with a delivery. Sequentially consistent (on x86 the same locked add
  // as relaxed): SubscriptionRoute's drain waiter sets its flag, then reads this count, while
  // finishing counts here, then reads the flag; one of the two must see the other's write.
  void finished() noexcept { finished_.fetch_add(1); }
  // Handed to the dispatcher and not yet finished. finished() is counted after accepted().
  std::uint64_t in_flight() const noexcept {
    const std::uint64_t finished = finished_.load();  // read first
    const std::uint64_t accepted = accepted_.load();
    return accepted > finished ? accepted - finished : 0;
  }

  // Fills handled, in_progress, last_* and stalled.
  void fill(SubscriptionHealth& out, Clock::time_point now,
            std::chrono::milliseconds stall_after) const;

 private:
  static std::int64_t ticks(Clock::time_point t) noexcept { return t.time_since_epoch().count(); }

  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> finished_{0};
  std::atomic<std::uint64_t> handled_{0};
  std::atomic<std::int64_t> last_progress_{0};    // steady clock ticks
  std::atomic<std::int64_t> last_handled_ns_{0};  // system clock, ns since the epoch; 0: never
  std::atomic<std::int32_t> last_partition_{-1};
  std::atomic<std::int64_t> last_offset_{-1};
};

}  // namespace eventbus::core
