// Bounded waiting on a condition that other threads change, for tests: a condition variable
// with a deadline, never a fixed sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace eventbus::testing {

class Signal {
 public:
  // Runs `change` under the lock and wakes every waiter.
  template <typename F>
  void update(F&& change) {
    {
      std::lock_guard lock(mutex_);
      change();
    }
    changed_.notify_all();
  }
  // True when `pred` held before the timeout; evaluated under the lock.
  template <typename P>
  bool wait_for(std::chrono::milliseconds timeout, P&& pred) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, pred);
  }
  std::mutex& mutex() { return mutex_; }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace eventbus::testing
