// SPDX-License-Identifier: Apache-2.0
// Bounded waiting on a condition that other threads change, for tests: a condition variable
// with a deadline, never a fixed sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace eventbus::testing {

class Signal {
 public:
  // Runs `change` under the lock and wakes every waiter. The wake-up is sent under the lock
  // too: a waiter that saw the change may return and destroy this Signal at once, and a
  // broadcast still running after the unlock would touch a destroyed condition variable.
  template <typename F>
  void update(F&& change) {
    std::lock_guard lock(mutex_);
    change();
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

// For state nobody signals (a bus's counters, which move just after a handler returns or a
// completion fires; a broker's or the kernel's view of things): checks `pred` until it holds
// (true) or `timeout` passes (false), every `every` in between. Waits only as long as the
// condition takes, never a fixed time. A `pred` that asks a server can pass a longer `every`.
// The one poll loop of the tests: every bounded poll goes through here.
template <typename P>
bool poll_until(std::chrono::milliseconds timeout, P&& pred,
                std::chrono::milliseconds every = std::chrono::milliseconds(1)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(every);
  }
  return true;
}

}  // namespace eventbus::testing
