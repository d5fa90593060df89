// SPDX-License-Identifier: Apache-2.0
#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace eventbus::bench {
namespace {

constexpr std::int64_t kExact = std::int64_t{1} << LogHistogram::kSubBucketBits;  // 128
constexpr std::int64_t kHalf = kExact / 2;                                        // 64
constexpr std::int64_t kLargest = (std::int64_t{1} << LogHistogram::kMaxPower) - 1;

// The octave shift of a value: 0 for the exact range, then 1, 2, ... per power of two.
int shift_of(std::int64_t value) noexcept {
  if (value < kExact) return 0;
  return std::bit_width(static_cast<std::uint64_t>(value)) - LogHistogram::kSubBucketBits;
}

void store_min(std::atomic<std::int64_t>& slot, std::int64_t value) noexcept {
  std::int64_t seen = slot.load(std::memory_order_relaxed);
  while (value < seen && !slot.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

void store_max(std::atomic<std::int64_t>& slot, std::int64_t value) noexcept {
  std::int64_t seen = slot.load(std::memory_order_relaxed);
  while (value > seen && !slot.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

}  // namespace

// Bucket index = shift * 64 + (value >> shift): the exact range fills 0..127, and each later
// octave adds 64 buckets whose top bits (64..127) follow on without a gap.
std::size_t LogHistogram::bucket_of(std::int64_t value) noexcept {
  value = std::clamp<std::int64_t>(value, 0, kLargest);
  const int shift = shift_of(value);
  return static_cast<std::size_t>(shift * kHalf + (value >> shift));
}

std::int64_t LogHistogram::bucket_low(std::size_t bucket) noexcept {
  const auto b = static_cast<std::int64_t>(bucket);
  if (b < kExact) return b;
  const std::int64_t shift = (b - kHalf) / kHalf;
  return (b - shift * kHalf) << shift;
}

std::int64_t LogHistogram::bucket_high(std::size_t bucket) noexcept {
  const auto b = static_cast<std::int64_t>(bucket);
  if (b < kExact) return b;
  const std::int64_t shift = (b - kHalf) / kHalf;
  return bucket_low(bucket) + (std::int64_t{1} << shift) - 1;
}

void LogHistogram::record(std::int64_t value) noexcept {
  value = std::max<std::int64_t>(value, 0);
  buckets_[bucket_of(value)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  store_min(min_, value);
  store_max(max_, value);
}

std::int64_t LogHistogram::min() const noexcept {
  return count() == 0 ? 0 : min_.load(std::memory_order_relaxed);
}

std::int64_t LogHistogram::max() const noexcept {
  return max_.load(std::memory_order_relaxed);
}

double LogHistogram::mean() const noexcept {
  const std::uint64_t n = count();
  return n == 0 ? 0.0 : static_cast<double>(sum_.load(std::memory_order_relaxed)) / n;
}

std::int64_t LogHistogram::percentile(double percent) const noexcept {
  const std::uint64_t n = count();
  if (n == 0) return 0;
  percent = std::clamp(percent, 0.0, 100.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(n))));
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += buckets_[b].load(std::memory_order_relaxed);
    if (seen >= rank) {
      const std::int64_t mid = bucket_low(b) + (bucket_high(b) - bucket_low(b)) / 2;
      return std::clamp(mid, min(), max());
    }
  }
  return max();
}

}  // namespace eventbus::bench
