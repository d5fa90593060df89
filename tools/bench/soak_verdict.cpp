// SPDX-License-Identifier: Apache-2.0
#include "soak_verdict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace eventbus::bench {
namespace {

std::string percent(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", fraction * 100);
  return text;
}

std::string mib(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024.0));
  return text;
}

void judge_series(const std::vector<MinuteSummary>& minutes, const SoakLimits& limits,
                  SoakVerdict& v) {
  const MinuteSummary* first = nullptr;
  const MinuteSummary* last = nullptr;
  for (const auto& m : minutes) {
    if (m.phase != "measured" || m.samples == 0) continue;
    if (first == nullptr) {
      first = &m;
      v.threads_min = m.threads_min;
      v.threads_max = m.threads_max;
    }
    last = &m;
    v.threads_min = std::min(v.threads_min, m.threads_min);
    v.threads_max = std::max(v.threads_max, m.threads_max);
  }
  if (first == nullptr) {
    v.failures.push_back("no measured minute: the run is not longer than its warm-up");
    return;
  }
  v.measured = true;
  v.first_minute = first->minute;
  v.last_minute = last->minute;
  v.rss_first = first->rss_mean;
  v.rss_last = last->rss_mean;
  v.rss_change = first->rss_mean > 0 ? last->rss_mean / first->rss_mean - 1 : 0;
  if (std::fabs(v.rss_change) > limits.rss_tolerance) {
    v.failures.push_back(
        "RSS " + mib(v.rss_first) + " in minute " + std::to_string(v.first_minute + 1) + ", " +
        mib(v.rss_last) + " in minute " + std::to_string(v.last_minute + 1) + " (" +
        percent(v.rss_change) + ", more than " + percent(limits.rss_tolerance).substr(1) + ")");
  }
  if (v.threads_max - v.threads_min > limits.thread_spread) {
    v.failures.push_back("threads not flat: " + std::to_string(v.threads_min) + " to " +
                         std::to_string(v.threads_max) + " over the measured minutes");
  }
}

}  // namespace

SoakVerdict judge_soak(const std::vector<MinuteSummary>& minutes, const SoakTotals& t,
                       const SoakLimits& limits) {
  SoakVerdict v;
  if (!t.error.empty()) v.failures.push_back(t.error);
  const std::uint64_t accounted = t.publish_failed + t.distinct;
  v.lost = t.planned > accounted ? t.planned - accounted : 0;
  if (v.lost > 0) {
    v.failures.push_back(std::to_string(v.lost) + " of " + std::to_string(t.planned) +
                         " messages lost (published, never handled)");
  }
  if (t.publish_failed > 0) {
    v.failures.push_back(std::to_string(t.publish_failed) + " publishes failed");
  }
  if (t.order_violations > 0) {
    v.failures.push_back(std::to_string(t.order_violations) + " order violations");
  }
  v.unexplained_duplicates = t.duplicates - std::min(t.duplicates, t.redelivered_duplicates);
  if (v.unexplained_duplicates > 0) {
    v.failures.push_back(std::to_string(v.unexplained_duplicates) +
                         " duplicates not explained by a redelivery (attempt 1)");
  }
  if (t.unknown > 0) {
    v.failures.push_back(std::to_string(t.unknown) + " messages not of this run");
  }
  judge_series(minutes, limits, v);
  if (t.leaked_threads > 0) {
    v.failures.push_back(std::to_string(t.leaked_threads) + " threads leaked (" +
                         std::to_string(t.threads_after) + " after close, expected " +
                         std::to_string(t.threads_expected) + ")");
  }
  return v;
}

}  // namespace eventbus::bench
