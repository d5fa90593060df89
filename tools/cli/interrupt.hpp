// SPDX-License-Identifier: Apache-2.0
// Ctrl-C and SIGTERM as a stop request: a command that follows a topic ends cleanly (closing
// its bus, committing what it settled) instead of dying mid-read.
#pragma once

#include <atomic>
#include <stop_token>
#include <thread>

namespace eventbus::cli {

class Interrupt {
 public:
  // Blocks SIGINT and SIGTERM in this thread and every thread started after (make it before
  // the bus), and waits for them on a thread of its own.
  Interrupt();
  // Ends the waiting thread.
  ~Interrupt();
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;

  // Requested on the first SIGINT or SIGTERM.
  std::stop_token token() const { return stop_.get_token(); }

 private:
  std::stop_source stop_;
  std::atomic<bool> ending_{false};
  std::thread waiter_;
};

}  // namespace eventbus::cli
