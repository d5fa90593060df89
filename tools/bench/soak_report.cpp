// SPDX-License-Identifier: Apache-2.0
#include "soak_report.hpp"

#include <cstdio>

#include "report_json.hpp"
#include "report_rows.hpp"

namespace eventbus::bench {
namespace {

ordered_json minute_json(const MinuteSummary& m) {
  return {{"minute", m.minute + 1},  // 1-based, as the terminal lines and the README count
          {"phase", m.phase},
          {"samples", m.samples},
          {"rss_mean_bytes", m.rss_mean},
          {"rss_min_bytes", m.rss_min},
          {"rss_max_bytes", m.rss_max},
          {"threads_min", m.threads_min},
          {"threads_max", m.threads_max},
          {"sent", m.sent},
          {"acked", m.acked},
          {"handled", m.handled},
          {"send_p99_ns", m.send_p99},
          {"end_to_end_p99_ns", m.end_to_end_p99}};
}

double mib(double bytes) {
  return bytes / (1024.0 * 1024.0);
}

}  // namespace

std::string soak_json(const Settings& s, const Facts& environment, const Facts& configuration,
                      const SoakRun& run) {
  const SoakSettings& soak = s.soak;
  const SoakVerdict& v = run.verdict;
  ordered_json minutes = ordered_json::array();
  for (const auto& m : run.minutes)
    minutes.push_back(minute_json(m));
  ordered_json doc = {
      {"tool", "eventbus-bench --soak"},
      {"settings",
       {{"transport", run.metrics.transport},
        {"duration_s", soak.duration.count()},
        {"rate_msg_s", soak.rate},
        {"messages", soak.messages()},
        {"aggregates", run.metrics.aggregates},
        {"topics", s.topics},
        {"senders", s.senders},
        {"envelope_bytes", s.envelope_bytes},
        {"max_in_flight", s.max_in_flight},
        {"warmup_s", soak.warmup.count()},
        {"minute_s", soak.minute.count()},
        {"sample_period_ms", 1000},
        {"drain_idle_timeout_s", soak.drain.count()},
        {"rss_tolerance", soak.rss_tolerance},
        {"thread_spread", soak.thread_spread}}},
      {"environment", facts_json(environment)},
      {"configuration", facts_json(configuration)},
      {"run", run_json(run.metrics)},
      {"minutes", minutes},
      {"verdict",
       {{"ok", v.ok()},
        {"lost", v.lost},
        {"order_violations", run.totals.order_violations},
        {"duplicates", run.totals.duplicates},
        {"redelivered_duplicates", run.totals.redelivered_duplicates},
        {"unexplained_duplicates", v.unexplained_duplicates},
        {"publish_failed", run.totals.publish_failed},
        {"rss_first_minute", v.first_minute + 1},
        {"rss_last_minute", v.last_minute + 1},
        {"rss_first_mean_bytes", v.rss_first},
        {"rss_last_mean_bytes", v.rss_last},
        {"rss_change", v.rss_change},
        {"threads_min", v.threads_min},
        {"threads_max", v.threads_max},
        {"threads_before", run.metrics.threads_before},
        {"threads_after_close", run.metrics.threads_after},
        {"threads_expected_after_close", run.metrics.threads_expected},
        {"leaked_threads", run.metrics.leaked_threads},
        {"failures", v.failures}}},
  };
  return doc.dump(2) + "\n";
}

std::string soak_line(const Settings& s, const SoakRun& run) {
  const RunMetrics& m = run.metrics;
  const SoakVerdict& v = run.verdict;
  char text[512];
  std::snprintf(
      text, sizeof text,
      "soak %s: %s  %s msgs at %s/s, handled %s, lost %llu, reordered %llu, "
      "duplicates %llu, RSS %.1f -> %.1f MiB (%+.1f%%, minutes %zu -> %zu), threads "
      "%zu-%zu (%llu before, %llu after close), send p99 %.1f ms, e2e p99 %.1f ms",
      m.transport.c_str(), v.ok() ? "OK" : "FAILED",
      with_commas(static_cast<double>(m.messages)).c_str(),
      with_commas(static_cast<double>(s.soak.rate)).c_str(),
      with_commas(static_cast<double>(m.distinct)).c_str(), static_cast<unsigned long long>(v.lost),
      static_cast<unsigned long long>(m.order_violations),
      static_cast<unsigned long long>(m.duplicates), mib(v.rss_first), mib(v.rss_last),
      v.rss_change * 100, v.first_minute + 1, v.last_minute + 1, v.threads_min, v.threads_max,
      static_cast<unsigned long long>(m.threads_before),
      static_cast<unsigned long long>(m.threads_after), m.send.p99 / 1e6, m.end_to_end.p99 / 1e6);
  std::string line = text;
  for (const auto& f : v.failures)
    line += "\n  FAILED: " + f;
  return line;
}

}  // namespace eventbus::bench
