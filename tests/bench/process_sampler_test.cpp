// SPDX-License-Identifier: Apache-2.0
// ProcessSampler and ThreadLedger: thread counts and RSS as the kernel reports them.
#include "process_sampler.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "support/wait.hpp"
#include "thread_ledger.hpp"

namespace eventbus::bench {
namespace {

using namespace std::chrono_literals;
using eventbus::testing::poll_until;

// Threads that stay alive until release() and are then joined.
class ParkedThreads {
 public:
  explicit ParkedThreads(int n) {
    for (int i = 0; i < n; ++i)
      threads_.emplace_back([this] {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return released_; });
      });
  }
  ~ParkedThreads() { release(); }
  void release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool released_ = false;
  std::vector<std::thread> threads_;
};

// The thread count once it equals `expected`, or the last one seen after 2 s: a joined thread
// can stay listed in /proc/self/task for a moment, and nothing signals its going.
std::size_t settled_count(std::size_t expected) {
  std::size_t n = 0;
  poll_until(2s, [&] { return (n = count_threads()) == expected; });
  return n;
}

TEST(ProcessSampler, CountsThreadsAndResidentMemory) {
  std::thread([] {}).join();  // whatever a first extra thread brings (TSan's) comes now
  const std::size_t base = count_threads();
  EXPECT_GE(base, 1u);
  EXPECT_GT(resident_bytes(), 1u << 20);
  {
    ParkedThreads three(3);
    EXPECT_EQ(settled_count(base + 3), base + 3);
  }
  EXPECT_EQ(settled_count(base), base);
}

TEST(ProcessSampler, ItsOneThreadIsStartedAndJoined) {
  std::thread([] {}).join();
  const std::size_t base = count_threads();
  {
    ProcessSampler sampler(1ms);
    sampler.start();
    sampler.start();  // no second thread
    EXPECT_EQ(settled_count(base + 1), base + 1);
  }
  EXPECT_EQ(settled_count(base), base);
}

TEST(ProcessSampler, AWindowSeesPeaksThatAreGoneByItsEnd) {
  ProcessSampler sampler(2ms);
  sampler.start();
  sampler.begin_window();
  const SampleWindow before = sampler.window();
  {
    ParkedThreads four(4);
    constexpr std::size_t kBytes = 64u << 20;
    auto block = std::make_unique<char[]>(kBytes);
    std::memset(block.get(), 1, kBytes);  // touched, so resident
    // Until the sampling thread has taken several samples while the peak lasts (bounded). Each
    // window() call adds a reading of its own to the count; the wait leaves those out.
    const std::uint64_t at_peak = sampler.window().samples;
    std::uint64_t own_readings = 0;
    ASSERT_TRUE(poll_until(10s, [&] {
      ++own_readings;
      return sampler.window().samples - at_peak - own_readings >= 5;
    }));
  }
  const SampleWindow w = sampler.window();
  EXPECT_GE(w.peak.threads, before.start.threads + 4);
  EXPECT_GE(w.peak.rss_bytes, before.start.rss_bytes + (48u << 20));
  EXPECT_GT(w.samples, 5u);
  sampler.begin_window();  // a new window forgets the old peak
  EXPECT_LT(sampler.window().peak.threads, w.peak.threads);
}

TEST(ThreadLedger, ALibraryMayKeepItsProcessThreadsOnce) {
  std::thread([] {}).join();
  ThreadLedger ledger;
  ParkedThreads library(2);  // stands for nats.c's process-wide threads
  EXPECT_EQ(ledger.after_run("lib", 2, 200ms).leaked, 0);
  EXPECT_EQ(ledger.after_run("lib", 2, 200ms).leaked, 0);  // still there: counted in idle now
  ParkedThreads leak(1);
  const auto v = ledger.after_run("lib", 2, 200ms);
  EXPECT_EQ(v.leaked, 1);
  EXPECT_EQ(v.after, v.expected + 1);
  leak.release();
  library.release();
}

TEST(ThreadLedger, AThreadLeftByARunIsALeak) {
  std::thread([] {}).join();
  ThreadLedger ledger;
  EXPECT_EQ(ledger.before_run(100ms), ledger.idle());
  ParkedThreads leak(1);
  EXPECT_EQ(ledger.after_run("other", 0, 200ms).leaked, 1);
  leak.release();
}

}  // namespace
}  // namespace eventbus::bench
