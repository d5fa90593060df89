// SPDX-License-Identifier: Apache-2.0
#include "core/metrics/latency_histogram.hpp"

namespace eventbus::core {
namespace {

// The bounds in whole nanoseconds, so observing compares integers.
constexpr std::array<std::int64_t, LatencyHistogram::kUpperBoundsSeconds.size()> bounds_ns() {
  std::array<std::int64_t, LatencyHistogram::kUpperBoundsSeconds.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    // Positive bounds, in a constexpr function (std::llround is not constexpr).
    // NOLINTNEXTLINE(bugprone-incorrect-roundings)
    out[i] = static_cast<std::int64_t>(LatencyHistogram::kUpperBoundsSeconds[i] * 1e9 + 0.5);
  }
  return out;
}

constexpr auto kBoundsNs = bounds_ns();

}  // namespace

std::size_t LatencyHistogram::bucket_of(std::chrono::nanoseconds elapsed) noexcept {
  const std::int64_t ns = elapsed.count();
  std::size_t i = 0;
  while (i < kBoundsNs.size() && ns > kBoundsNs[i])
    ++i;
  return i;
}

LatencyHistogram::Snapshot LatencyHistogram::snapshot() const noexcept {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return s;
}

}  // namespace eventbus::core
