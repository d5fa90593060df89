// SPDX-License-Identifier: Apache-2.0
#include "minute_series.hpp"

#include <algorithm>
#include <limits>

namespace eventbus::bench {

struct MinuteSeries::Slot {
  std::atomic<std::uint64_t> sent{0}, acked{0}, handled{0};
  LogHistogram send, end_to_end;
  // Written by the sampling thread only.
  std::uint64_t samples = 0;
  double rss_sum = 0;
  std::uint64_t rss_min = std::numeric_limits<std::uint64_t>::max(), rss_max = 0;
  std::size_t threads_min = std::numeric_limits<std::size_t>::max(), threads_max = 0;
};

MinuteSeries::MinuteSeries(std::size_t minutes, std::size_t warmup_minutes, std::int64_t minute_ns)
    : minutes_(minutes),
      warmup_minutes_(warmup_minutes),
      minute_ns_(std::max<std::int64_t>(minute_ns, 1)),
      slots_(new Slot[minutes + 1]) {}

MinuteSeries::~MinuteSeries() = default;

std::size_t MinuteSeries::minute_of(std::int64_t at_ns) const noexcept {
  const std::int64_t since = at_ns - start_ns_.load(std::memory_order_relaxed);
  if (since < 0) return 0;
  return std::min<std::size_t>(static_cast<std::size_t>(since / minute_ns_), minutes_);
}

void MinuteSeries::sent(std::int64_t at_ns) noexcept {
  slots_[minute_of(at_ns)].sent.fetch_add(1, std::memory_order_relaxed);
}

void MinuteSeries::acked(std::int64_t at_ns, std::int64_t latency_ns) noexcept {
  Slot& s = slots_[minute_of(at_ns)];
  s.acked.fetch_add(1, std::memory_order_relaxed);
  s.send.record(latency_ns);
}

void MinuteSeries::handled(std::int64_t at_ns, std::int64_t end_to_end_ns) noexcept {
  Slot& s = slots_[minute_of(at_ns)];
  s.handled.fetch_add(1, std::memory_order_relaxed);
  s.end_to_end.record(end_to_end_ns);
}

void MinuteSeries::sample(std::int64_t at_ns, const ProcessSample& p) noexcept {
  Slot& s = slots_[minute_of(at_ns)];
  ++s.samples;
  s.rss_sum += static_cast<double>(p.rss_bytes);
  s.rss_min = std::min(s.rss_min, p.rss_bytes);
  s.rss_max = std::max(s.rss_max, p.rss_bytes);
  s.threads_min = std::min(s.threads_min, p.threads);
  s.threads_max = std::max(s.threads_max, p.threads);
}

std::vector<MinuteSummary> MinuteSeries::summaries() const {
  std::vector<MinuteSummary> out;
  for (std::size_t i = 0; i <= minutes_; ++i) {
    const Slot& s = slots_[i];
    MinuteSummary m;
    m.minute = i;
    m.phase = i == minutes_ ? "drain" : i < warmup_minutes_ ? "warm-up" : "measured";
    m.samples = s.samples;
    m.sent = s.sent.load();
    m.acked = s.acked.load();
    m.handled = s.handled.load();
    if (m.samples == 0 && m.sent == 0 && m.acked == 0 && m.handled == 0) continue;
    if (m.samples > 0) {
      m.rss_mean = s.rss_sum / static_cast<double>(s.samples);
      m.rss_min = s.rss_min;
      m.rss_max = s.rss_max;
      m.threads_min = s.threads_min;
      m.threads_max = s.threads_max;
    }
    m.send_p99 = s.send.percentile(99.0);
    m.end_to_end_p99 = s.end_to_end.percentile(99.0);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace eventbus::bench
