// SPDX-License-Identifier: Apache-2.0
// Judges thread leaks across the runs of one process. It knows the idle thread count (main,
// the sampler, and the process-wide threads a client library keeps once it was used: nats.c
// keeps 3 until nats_Close()), so each run is compared with what the process should return to.
#pragma once

#include <chrono>
#include <cstddef>
#include <set>
#include <string>

namespace eventbus::bench {

class ThreadLedger {
 public:
  // Takes the idle count now.
  ThreadLedger();

  // Waits up to `settle` for the process to be back at its idle count; returns the count.
  std::size_t before_run(std::chrono::milliseconds settle = std::chrono::seconds(1));

  struct Verdict {
    std::size_t after = 0;     // threads after close
    std::size_t expected = 0;  // idle count + the library's threads on its first use
    long leaked = 0;           // after - expected when positive
  };
  // After a client was closed and destroyed: allows `library` to keep `library_threads`
  // process-wide threads once, and gives it up to `grace` to end the rest (a joined thread
  // can stay listed in /proc/self/task for a moment, and nothing signals its going).
  Verdict after_run(const std::string& library, std::size_t library_threads,
                    std::chrono::milliseconds grace = std::chrono::seconds(1));

  std::size_t idle() const noexcept { return idle_; }

 private:
  std::size_t idle_;
  std::set<std::string> libraries_started_;
};

}  // namespace eventbus::bench
