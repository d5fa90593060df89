// SPDX-License-Identifier: Apache-2.0
// A soak run of the bus on one transport (eventbus-bench --soak): the pressure run's machinery
// (bus_runner) publishing at a fixed rate for a fixed time, with the process sampled every
// second into per-minute summaries, then judged by judge_soak.
#pragma once

#include <string>
#include <vector>

#include "minute_series.hpp"
#include "run_frame.hpp"
#include "soak_verdict.hpp"

namespace eventbus::bench {

struct SoakRun {
  RunMetrics metrics;  // the whole run as a pressure run reports it
  std::vector<MinuteSummary> minutes;
  SoakTotals totals;
  SoakVerdict verdict;
};

SoakRun run_soak(RunContext& context, const std::string& transport);

}  // namespace eventbus::bench
