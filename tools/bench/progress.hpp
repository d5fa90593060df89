// SPDX-License-Identifier: Apache-2.0
// A one-line progress bar on stderr for runs that last more than a couple of seconds; silent
// when disabled (stderr is not a terminal) and for short runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace eventbus::bench {

class Progress {
 public:
  Progress(std::string label, std::uint64_t total, bool enabled);
  ~Progress();
  void update(std::uint64_t done);  // redraws at most every 100 ms
  void finish();                    // clears the line if one was drawn

 private:
  std::string label_;
  std::uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// True when stderr is a terminal.
bool stderr_is_terminal();

}  // namespace eventbus::bench
