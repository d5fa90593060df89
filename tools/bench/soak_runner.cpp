// SPDX-License-Identifier: Apache-2.0
#include "soak_runner.hpp"

#include <cstdio>
#include <thread>

#include "bus_runner.hpp"

namespace eventbus::bench {
namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;

// One line on stderr per completed minute, so a 10-minute run shows it is alive. The drain
// (after the planned end) has no process samples: the run is waiting for its last messages.
void print_minute(const std::string& transport, const MinuteSummary& m, std::size_t of) {
  char process[96] = "";
  if (m.samples > 0) {
    std::snprintf(process, sizeof process, "  RSS %.1f MiB  threads %zu-%zu",
                  m.rss_mean / (1024.0 * 1024.0), m.threads_min, m.threads_max);
  }
  std::fprintf(stderr,
               "  soak %-6s minute %zu/%zu %-8s sent %8llu handled %8llu%s  send p99 %.1f ms  "
               "e2e p99 %.1f ms\n",
               transport.c_str(), m.minute + 1, of, m.phase.c_str(),
               static_cast<unsigned long long>(m.sent), static_cast<unsigned long long>(m.handled),
               process, m.send_p99 / 1e6, m.end_to_end_p99 / 1e6);
}

// Samples the process in the middle of every second of the schedule, on the caller's thread
// (no thread of its own, so the sampling does not change the thread count it watches). Prints
// each minute once it is over; returns the first minute not printed yet.
std::size_t sample_until_end(MinuteSeries& series, const std::string& transport, std::int64_t start,
                             std::int64_t end) {
  std::size_t reported = 0;
  for (std::int64_t k = 0;; ++k) {
    const std::int64_t at = start + k * kSecondNs + kSecondNs / 2;
    if (at >= end) break;
    std::this_thread::sleep_until(
        std::chrono::steady_clock::time_point(std::chrono::nanoseconds(at)));
    const std::int64_t now = now_ns();
    series.sample(now, sample_process());
    const std::size_t minute = series.minute_of(now);
    if (minute > reported) {
      for (const auto& m : series.summaries())
        if (m.minute >= reported && m.minute < minute)
          print_minute(transport, m, series.planned_minutes());
      reported = minute;
    }
  }
  return reported;
}

}  // namespace

SoakRun run_soak(RunContext& context, const std::string& transport) {
  const SoakSettings& soak = context.settings.soak;
  MinuteSeries series(soak.minutes(), soak.warmup_minutes(), soak.minute.count() * kSecondNs);
  BusRunOptions options;
  options.period_ns = kSecondNs / static_cast<std::int64_t>(soak.rate);
  options.series = &series;
  options.topic_prefix = "soak";
  std::size_t reported = 0;
  options.while_publishing = [&](const Recorder&, std::int64_t start) {
    reported =
        sample_until_end(series, transport, start, start + soak.duration.count() * kSecondNs);
  };
  SoakRun run;
  run.metrics = run_bus(context, transport, {"soak", soak.messages()}, 0, options);
  run.minutes = series.summaries();
  for (const auto& m : run.minutes)  // the last minute and the drain, now complete
    if (m.minute >= reported) print_minute(transport, m, series.planned_minutes());
  const RunMetrics& m = run.metrics;
  run.totals = {m.messages,         m.acked,
                m.publish_failed,   m.distinct,
                m.duplicates,       m.redelivered_duplicates,
                m.order_violations, m.unknown,
                m.leaked_threads,   m.threads_after,
                m.threads_expected, m.error};
  run.verdict = judge_soak(run.minutes, run.totals, {soak.rss_tolerance, soak.thread_spread});
  return run;
}

}  // namespace eventbus::bench
