// SPDX-License-Identifier: Apache-2.0
// The soak run's pass/fail: nothing lost, nothing reordered, no unexplained duplicates, the
// thread count flat while it ran and back to its baseline after close, and the RSS of the last
// measured minute within a tolerance of the first measured minute (after warm-up).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "minute_series.hpp"

namespace eventbus::bench {

struct SoakTotals {
  std::uint64_t planned = 0;  // messages the schedule publishes
  std::uint64_t acked = 0;
  std::uint64_t publish_failed = 0;
  std::uint64_t distinct = 0;  // distinct messages handled
  std::uint64_t duplicates = 0;
  std::uint64_t redelivered_duplicates = 0;  // duplicates with Message::attempt > 1
  std::uint64_t order_violations = 0;
  std::uint64_t unknown = 0;
  std::int64_t leaked_threads = 0;  // after close, from the thread ledger
  std::uint64_t threads_after = 0, threads_expected = 0;
  std::string error;  // the run could not be set up or did not finish
};

struct SoakLimits {
  double rss_tolerance = 0.10;
  std::size_t thread_spread = 0;
};

struct SoakVerdict {
  std::uint64_t lost = 0;  // planned - failed - distinct: acked publishes never handled
  std::uint64_t unexplained_duplicates = 0;
  bool measured = false;  // at least one measured minute with samples
  std::size_t first_minute = 0, last_minute = 0;
  double rss_first = 0, rss_last = 0;            // mean bytes of those minutes
  double rss_change = 0;                         // rss_last / rss_first - 1
  std::size_t threads_min = 0, threads_max = 0;  // over the measured minutes
  std::vector<std::string> failures;
  bool ok() const noexcept { return failures.empty(); }
};

SoakVerdict judge_soak(const std::vector<MinuteSummary>& minutes, const SoakTotals& totals,
                       const SoakLimits& limits);

}  // namespace eventbus::bench
