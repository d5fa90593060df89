// SPDX-License-Identifier: Apache-2.0
// Collects one run's measurements as messages go out and come back, from the sender threads,
// the client's completion thread and the handler threads at once, without locks and without
// allocating per message: one pre-sized slot per message holds its publish start.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "histogram.hpp"
#include "minute_series.hpp"
#include "order_checker.hpp"
#include "run_metrics.hpp"
#include "scenario.hpp"

namespace eventbus::bench {

inline std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class Recorder {
 public:
  // Sequence numbers at or above scenario.messages are warm-up messages: counted apart.
  explicit Recorder(const Scenario& scenario);

  // Sender thread: `start` was taken just before the publish call, `end` just after it.
  void publish_started(std::uint64_t seq, std::int64_t start) noexcept;
  void publish_returned(std::int64_t start, std::int64_t end) noexcept;
  // Completion thread (or the sender, for a refused call): the broker acked (ok) or the
  // publish failed.
  void completed(std::uint64_t seq, bool ok) noexcept;
  // Handler thread: `bytes` holds the payload stamp; `start` is the handler's start; `attempt`
  // is Message::attempt (a duplicate with attempt > 1 is explained by a redelivery). Returns
  // the order checker's verdict; `unknown` also for warm-up messages and unreadable stamps.
  OrderChecker::Verdict handled(std::string_view bytes, std::int64_t start,
                                std::uint32_t attempt = 1) noexcept;

  // A soak run's per-minute series, fed from the same calls as the totals; set before
  // publishing starts. Null (the default) for pressure runs.
  void attach(MinuteSeries* series) noexcept { series_ = series; }

  std::uint64_t warmups_handled() const noexcept { return warmups_.load(); }
  std::uint64_t distinct() const noexcept { return checker_.distinct(); }
  bool finished() const noexcept;  // every message handled, or every missing one failed

  // Waits until finished() or until nothing was handled or completed for `idle`; calls
  // tick(distinct) about every 100 ms. Returns finished().
  bool wait(std::chrono::milliseconds idle, const std::function<void(std::uint64_t)>& tick);

  // Fills the timing, delivery and order fields of `out`.
  void summarize(RunMetrics& out) const;

 private:
  std::uint64_t activity() const noexcept;

  Scenario scenario_;
  std::unique_ptr<std::atomic<std::int64_t>[]> started_;  // per seq
  LogHistogram call_, send_, end_to_end_, handler_;
  OrderChecker checker_;
  MinuteSeries* series_ = nullptr;
  std::atomic<std::uint64_t> acked_{0}, failed_{0}, warmups_{0}, bad_stamps_{0};
  std::atomic<std::uint64_t> redelivered_duplicates_{0};
  std::atomic<std::int64_t> first_sent_{INT64_MAX}, last_handled_{0};
};

}  // namespace eventbus::bench
