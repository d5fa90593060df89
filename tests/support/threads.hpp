// SPDX-License-Identifier: Apache-2.0
// Thread-count checks for leak tests, read from the kernel's task list.
#pragma once

#include <chrono>
#include <cstddef>
#include <thread>

#include "core/health/thread_count.hpp"
#include "eventbus/bus.hpp"
#include "eventbus/options.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {

// Threads of this process now: entries of /proc/self/task, what a leak check must compare
// (the library's own count, which the metrics endpoint reports).
using core::process_thread_count;

// Threads the client library behind a bus with `options` starts once per process and keeps
// after every bus is gone; leak checks count them as the baseline. nats.c keeps 3, ended only
// by nats_Close(), which a bus calls on its close with nats.close_library_on_close; the other
// transports keep none.
inline unsigned library_threads(const BusOptions& options) {
  return options.transport == "nats" && !options.nats.close_library_on_close ? 3 : 0;
}

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
  std::size_t now = 0;
  poll_until(timeout, [&] { return (now = process_thread_count()) == expected; });
  return now;
}

// True once the thread count is back to what a process with no bus open may have: `before`
// plus the client library's process-wide threads (`library_kept`, from library_threads()), or
// `before` alone when those were already running when it was taken (an earlier test in the
// same process started them). False at the timeout; `seen` gets the last count.
inline bool threads_back_to_baseline(std::size_t before, unsigned library_kept, std::size_t& seen,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  await_background_closes(std::chrono::seconds(30));
  return poll_until(timeout, [&] {
    seen = process_thread_count();
    return seen == before || seen == before + library_kept;
  });
}

}  // namespace eventbus::testing
