// SPDX-License-Identifier: Apache-2.0
// Durations of a call measured over many cycles, and the figures docs/deadlines.md reports.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace eventbus::testing {

class CallDurations {
 public:
  using Clock = std::chrono::steady_clock;

  void add(Clock::duration took) {
    ms_.push_back(std::chrono::duration<double, std::milli>(took).count());
  }
  double max() const { return ms_.empty() ? 0 : *std::max_element(ms_.begin(), ms_.end()); }
  double percentile(double p) const {
    if (ms_.empty()) return 0;
    std::vector<double> sorted = ms_;
    std::sort(sorted.begin(), sorted.end());
    const auto index =
        static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
  }
  // One line the test output keeps: "[ figures ] <what>: <n> calls, p50 .. p99 .. max .. ms".
  void print(const std::string& what) const {
    std::printf("[ figures  ] %s: %zu calls, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", what.c_str(),
                ms_.size(), percentile(50), percentile(99), max());
    std::fflush(stdout);
  }

 private:
  std::vector<double> ms_;
};

// Times `call` and adds its duration; returns what it returned.
template <typename F>
auto timed(CallDurations& durations, F&& call) {
  const auto started = CallDurations::Clock::now();
  if constexpr (std::is_void_v<decltype(call())>) {
    call();
    durations.add(CallDurations::Clock::now() - started);
  } else {
    auto result = call();
    durations.add(CallDurations::Clock::now() - started);
    return result;
  }
}

}  // namespace eventbus::testing
