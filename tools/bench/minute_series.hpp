// SPDX-License-Identifier: Apache-2.0
// A soak run's time series: what happened in each interval ("minute") of the run, so that the
// first minute after warm-up can be compared with the last. Senders, the completion thread and
// handlers count into the interval of the moment they act (lock-free, no allocation); the
// caller's thread adds one process sample (RSS, threads) per second.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "histogram.hpp"
#include "process_sampler.hpp"

namespace eventbus::bench {

struct MinuteSummary {
  std::size_t minute = 0;  // 0-based from the first paced publish (reports print it 1-based)
  std::string phase;       // "warm-up", "measured", or "drain" (after the planned end)
  std::uint64_t samples = 0;
  double rss_mean = 0;  // bytes
  std::uint64_t rss_min = 0, rss_max = 0;
  std::size_t threads_min = 0, threads_max = 0;
  std::uint64_t sent = 0;           // publish calls started
  std::uint64_t acked = 0;          // broker acks
  std::uint64_t handled = 0;        // first deliveries
  std::int64_t send_p99 = 0;        // ns, publish call -> ack; 0 when none
  std::int64_t end_to_end_p99 = 0;  // ns, publish call -> handler start; 0 when none
};

class MinuteSeries {
 public:
  // `minutes` planned intervals of `minute_ns` each, the first `warmup_minutes` of them warm-up;
  // one more interval collects whatever comes after the planned end (the drain).
  MinuteSeries(std::size_t minutes, std::size_t warmup_minutes,
               std::int64_t minute_ns = 60'000'000'000);
  MinuteSeries(const MinuteSeries&) = delete;
  MinuteSeries& operator=(const MinuteSeries&) = delete;
  ~MinuteSeries();

  // Sets the moment interval 0 begins (steady clock ns). Before it, events count into 0.
  void start(std::int64_t at_ns) noexcept { start_ns_.store(at_ns); }
  std::size_t minute_of(std::int64_t at_ns) const noexcept;

  // Any thread.
  void sent(std::int64_t at_ns) noexcept;
  void acked(std::int64_t at_ns, std::int64_t latency_ns) noexcept;
  void handled(std::int64_t at_ns, std::int64_t end_to_end_ns) noexcept;
  // One thread only (the one that calls summaries()).
  void sample(std::int64_t at_ns, const ProcessSample& s) noexcept;

  // Every interval that saw a sample or an event, in order.
  std::vector<MinuteSummary> summaries() const;

  std::size_t planned_minutes() const noexcept { return minutes_; }
  std::size_t warmup_minutes() const noexcept { return warmup_minutes_; }
  std::int64_t minute_ns() const noexcept { return minute_ns_; }

 private:
  struct Slot;
  std::size_t minutes_, warmup_minutes_;
  std::int64_t minute_ns_;
  std::atomic<std::int64_t> start_ns_{0};
  std::unique_ptr<Slot[]> slots_;  // minutes_ + 1
};

}  // namespace eventbus::bench
