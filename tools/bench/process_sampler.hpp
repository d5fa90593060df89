// SPDX-License-Identifier: Apache-2.0
// Watches this process's thread count (entries of /proc/self/task) and resident memory (VmRSS
// of /proc/self/status) from one sampling thread of its own, so that peaks between the
// benchmark's own checkpoints are seen too. The sampler's thread is the benchmark's: it is
// running when baselines are taken, so leak checks count it on both sides.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>

namespace eventbus::bench {

struct ProcessSample {
  std::size_t threads = 0;
  std::uint64_t rss_bytes = 0;
};

// One reading now, on the calling thread.
ProcessSample sample_process();
std::size_t count_threads();     // entries of /proc/self/task
std::uint64_t resident_bytes();  // VmRSS of /proc/self/status; 0 if unreadable
// Bytes the process holds from malloc (all arenas, mmapped blocks included): what RSS shows
// minus the allocator's own caches. 0 where the C library cannot tell (not glibc).
std::uint64_t heap_in_use();

struct SampleWindow {
  ProcessSample start;  // at begin_window()
  ProcessSample peak;   // the highest thread count and RSS seen since (each on its own)
  std::uint64_t samples = 0;
};

class ProcessSampler {
 public:
  explicit ProcessSampler(std::chrono::milliseconds period = std::chrono::milliseconds(10));
  ~ProcessSampler();  // stops and joins
  ProcessSampler(const ProcessSampler&) = delete;
  ProcessSampler& operator=(const ProcessSampler&) = delete;

  void start();  // starts the one sampling thread; no-op when running
  void stop();   // joins it

  // Starts a new peak window with a reading taken now.
  void begin_window();
  // The window so far, including a reading taken now.
  SampleWindow window();

 private:
  void run();
  void absorb_locked(const ProcessSample& s);

  std::chrono::milliseconds period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  SampleWindow window_;
  std::thread thread_;
};

}  // namespace eventbus::bench
