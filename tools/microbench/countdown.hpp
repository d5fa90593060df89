// SPDX-License-Identifier: Apache-2.0
// Counts the messages other threads finished (a handler ran, a publish completed) and lets the
// benchmark thread wait, bounded, until all of them did: an asynchronous benchmark's last
// iteration waits here, so the measured time covers every message's whole trip.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace eventbus::microbench {

class Countdown {
 public:
  explicit Countdown(std::int64_t total) : left_(total) {}

  // From any thread; wakes the waiter only at zero, so counting costs one lock per message
  // (the dispatcher and the bus take locks of their own per message too).
  void count_one() {
    std::lock_guard lock(mutex_);
    if (--left_ == 0) zero_.notify_all();
  }
  // False if messages are still missing after `bound`.
  bool wait(std::chrono::seconds bound) {
    std::unique_lock lock(mutex_);
    return zero_.wait_for(lock, bound, [this] { return left_ <= 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable zero_;
  std::int64_t left_;
};

}  // namespace eventbus::microbench
