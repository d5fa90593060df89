// SPDX-License-Identifier: Apache-2.0
// A log-bucketed latency histogram in the manner of HdrHistogram: 64 sub-buckets per power of
// two, so any recorded value is reported within 1/64 (1.6 %) of itself, from 1 ns to hours,
// in a fixed 18 KiB. Recording is lock-free and allocation-free from any number of threads.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace eventbus::bench {

class LogHistogram {
 public:
  // Values at or above 2^kMaxPower are counted in the last bucket (about 39 hours in ns).
  static constexpr int kSubBucketBits = 7;  // 128 exact values below 128, then 64 per octave
  static constexpr int kMaxPower = 47;
  static constexpr std::size_t kBuckets = static_cast<std::size_t>(kMaxPower - kSubBucketBits + 2)
                                          << (kSubBucketBits - 1);

  LogHistogram() = default;
  LogHistogram(const LogHistogram&) = delete;
  LogHistogram& operator=(const LogHistogram&) = delete;

  // Negative values count as 0. Thread-safe.
  void record(std::int64_t value) noexcept;

  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  std::int64_t min() const noexcept;  // 0 when empty
  std::int64_t max() const noexcept;  // exact, 0 when empty
  double mean() const noexcept;       // exact, 0 when empty
  // The value at or below which `percent` of the recorded values lie (0 < percent <= 100):
  // the midpoint of the bucket holding that rank, clamped to the exact min and max. 0 when empty.
  std::int64_t percentile(double percent) const noexcept;

  // Bucket arithmetic, public for the tests.
  static std::size_t bucket_of(std::int64_t value) noexcept;
  static std::int64_t bucket_low(std::size_t bucket) noexcept;   // smallest value it holds
  static std::int64_t bucket_high(std::size_t bucket) noexcept;  // largest value it holds

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::int64_t> sum_{0};
  std::atomic<std::int64_t> min_{INT64_MAX};
  std::atomic<std::int64_t> max_{0};
};

}  // namespace eventbus::bench
