// Thread-count checks for leak tests, read from the kernel's task list.
#pragma once

#include <chrono>
#include <cstddef>
#include <thread>

#include "eventbus/bus.hpp"

namespace eventbus::testing {

// Starts whatever a process starts on its first extra thread (ThreadSanitizer's background
// thread, for one), so that a baseline taken afterwards holds for the rest of the test.
inline void warm_up_threads() {
  std::thread([] {}).join();
}

// The thread count once it equals `expected`, or the last count seen at the timeout. A joined
// thread can stay listed in /proc/self/task for a moment after join() returns (the kernel wakes
// the joiner before it unlists the task) and nothing signals its going, so this polls.
// Work a close() left in the background (eventbus::await_background_closes) is waited for first.
inline std::size_t thread_count_settling_at(
    std::size_t expected, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  await_background_closes(std::chrono::seconds(30));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t now = process_thread_count();
  while (now != expected && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    now = process_thread_count();
  }
  return now;
}

// True once the thread count is back to what a process with no bus open may have: `before`
// plus the client library's process-wide threads (Features::library_threads), or `before` alone
// when those were already running when it was taken (an earlier test in the same process
// started them). False at the timeout; `seen` gets the last count.
inline bool threads_back_to_baseline(std::size_t before, unsigned library_threads,
                                     std::size_t& seen,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  await_background_closes(std::chrono::seconds(30));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    seen = process_thread_count();
    if (seen == before || seen == before + library_threads) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace eventbus::testing
