// SPDX-License-Identifier: Apache-2.0
// A latency histogram with fixed bucket bounds, cheap enough for every message: observing is
// one short scan and two relaxed atomic adds, no lock and no allocation.
//
// Buckets are stored per bucket (not cumulative) and the count is not stored at all: a reader
// sums the buckets, so a snapshot's +Inf bucket always equals its count, however many threads
// observe meanwhile. The sum may trail the buckets by the observations in progress.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace eventbus::core {

class LatencyHistogram {
 public:
  // Upper bounds of the finite buckets, in seconds (Prometheus' base unit), from 10 us to
  // 10 s: a publish call or an in-process ack takes microseconds, a loaded broker's ack
  // hundreds of milliseconds.
  static constexpr std::array<double, 19> kUpperBoundsSeconds{
      0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
      0.025,   0.05,     0.1,     0.25,   0.5,     1.0,    2.5,   5.0,    10.0};
  static constexpr std::size_t kBuckets = kUpperBoundsSeconds.size() + 1;  // + the +Inf bucket

  struct Snapshot {
    std::array<std::uint64_t, kBuckets> cumulative{};  // observations <= each bound; last: all
    double sum_seconds = 0;
    std::uint64_t count() const noexcept { return cumulative.back(); }
  };

  // Index of the bucket a duration falls in: the first bound >= it, or the +Inf bucket.
  static std::size_t bucket_of(std::chrono::nanoseconds elapsed) noexcept;

  void observe(std::chrono::nanoseconds elapsed) noexcept {
    const std::int64_t ns = elapsed.count() < 0 ? 0 : elapsed.count();  // clocks never go back
    buckets_[bucket_of(std::chrono::nanoseconds(ns))].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
  }

  Snapshot snapshot() const noexcept;

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace eventbus::core
