// SPDX-License-Identifier: Apache-2.0
// How the reports condense repeats: the repeat with the median throughput stands for the
// performance figures; correctness takes the worst of all repeats. Apart from Results (which
// needs the bus's options) so that tests/bench can check it without a bus.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "run_metrics.hpp"

namespace eventbus::bench {

// A client whose fastest repeat moved more than this many times the messages per second of its
// slowest is flagged: its median is weak evidence (the machine was busy, or the client erratic).
inline constexpr double kUnsteadySpread = 2.0;

struct Summary {
  const RunMetrics* median = nullptr;  // the repeat with the median throughput
  double throughput_min = 0, throughput_median = 0, throughput_max = 0;
  std::uint64_t repeats = 0;
  std::uint64_t lost = 0;  // most messages missing in one repeat
  std::uint64_t duplicates = 0, order_violations = 0, unknown = 0;  // over all repeats
  std::int64_t leaked_threads = 0;                                  // over all repeats
  std::string error;                                                // the first error
  bool present() const noexcept { return median != nullptr; }
  // max / min throughput over the repeats; 0 with one repeat or a repeat that moved nothing.
  double spread() const noexcept {
    return repeats > 1 && throughput_min > 0 ? throughput_max / throughput_min : 0;
  }
  bool unsteady() const noexcept { return spread() > kUnsteadySpread; }
};

// The runs of one level, transport and client (see RunMetrics::client) condensed; points into
// `runs`, which must outlive it.
Summary summarize(const std::vector<RunMetrics>& runs, const std::string& level,
                  const std::string& transport, const std::string& client);

// MB of heap the process still held after the client closed beyond what it held before the
// client (heap_in_use()); 0 when it went down or was not measured.
double heap_kept_mb(const RunMetrics& run);

// The bus's median throughput over the `baseline` client's (kRawClient, kRawPushClient) at one
// level and transport; 0 when either is missing or the baseline moved nothing.
double throughput_ratio(const std::vector<RunMetrics>& runs, const std::string& level,
                        const std::string& transport, const std::string& baseline);

}  // namespace eventbus::bench
