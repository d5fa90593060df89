// SPDX-License-Identifier: Apache-2.0
#include "process_sampler.hpp"

#include <dirent.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace eventbus::bench {

std::size_t count_threads() {
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return 0;
  std::size_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

std::uint64_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  std::uint64_t kib = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) {
      kib = std::strtoull(line + 6, nullptr, 10);
      break;
    }
  }
  std::fclose(f);
  return kib * 1024;
}

std::uint64_t heap_in_use() {
#if defined(__GLIBC__)
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#else
  return 0;
#endif
}

ProcessSample sample_process() {
  return {count_threads(), resident_bytes()};
}

ProcessSampler::ProcessSampler(std::chrono::milliseconds period) : period_(period) {}

ProcessSampler::~ProcessSampler() {
  stop();
}

void ProcessSampler::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void ProcessSampler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProcessSampler::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period_, [&] { return stopping_; })) {
    lock.unlock();
    const ProcessSample s = sample_process();  // reading /proc outside the lock
    lock.lock();
    absorb_locked(s);
  }
}

void ProcessSampler::absorb_locked(const ProcessSample& s) {
  window_.peak.threads = std::max(window_.peak.threads, s.threads);
  window_.peak.rss_bytes = std::max(window_.peak.rss_bytes, s.rss_bytes);
  ++window_.samples;
}

void ProcessSampler::begin_window() {
  const ProcessSample s = sample_process();
  std::lock_guard lock(mutex_);
  window_ = SampleWindow{s, s, 1};
}

SampleWindow ProcessSampler::window() {
  const ProcessSample s = sample_process();
  std::lock_guard lock(mutex_);
  absorb_locked(s);
  return window_;
}

}  // namespace eventbus::bench
