// SPDX-License-Identifier: Apache-2.0
// One measured run of the bus on one transport: subscribe an envelope handler on each topic,
// warm up, publish every message from the sender pool, wait for all of them, close.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "minute_series.hpp"
#include "recorder.hpp"
#include "run_frame.hpp"
#include "scenario.hpp"

namespace eventbus::bench {

// What a soak run adds to a pressure run; the defaults give the pressure run.
struct BusRunOptions {
  // 0: publish as fast as the bus takes it. Otherwise message seq is due at
  // start + seq * period_ns on the steady clock, so the rate does not drift with late sends.
  std::int64_t period_ns = 0;
  // Given a series, the recorder feeds it, starting when the first message is due.
  MinuteSeries* series = nullptr;
  // Runs on the calling thread once publishing started (start = when message 0 was due), before
  // the wait for the last messages; e.g. sampling the process every second until the schedule
  // ends.
  std::function<void(const Recorder&, std::int64_t start_ns)> while_publishing;
  std::string topic_prefix = "bench";
};

RunMetrics run_bus(RunContext& context, const std::string& transport, const Level& level,
                   std::size_t repeat, const BusRunOptions& options = {});

}  // namespace eventbus::bench
