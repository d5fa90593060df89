// SPDX-License-Identifier: Apache-2.0
#include "order_checker.hpp"

namespace eventbus::bench {

OrderChecker::OrderChecker(std::size_t aggregates, std::int64_t max_version)
    : aggregates_(aggregates),
      max_version_(max_version),
      highest_(new std::atomic<std::int64_t>[aggregates]()),
      seen_(new std::atomic<bool>[aggregates * static_cast<std::size_t>(max_version)]()) {}

OrderChecker::Verdict OrderChecker::record(std::size_t aggregate, std::int64_t version) noexcept {
  if (aggregate >= aggregates_ || version < 1 || version > max_version_) {
    unknown_.fetch_add(1, std::memory_order_relaxed);
    return Verdict::unknown;
  }
  const std::size_t slot =
      aggregate * static_cast<std::size_t>(max_version_) + static_cast<std::size_t>(version - 1);
  if (seen_[slot].exchange(true, std::memory_order_relaxed)) {
    duplicates_.fetch_add(1, std::memory_order_relaxed);
    return Verdict::duplicate;
  }
  distinct_.fetch_add(1, std::memory_order_relaxed);
  std::atomic<std::int64_t>& highest = highest_[aggregate];
  std::int64_t seen = highest.load(std::memory_order_relaxed);
  while (version > seen &&
         !highest.compare_exchange_weak(seen, version, std::memory_order_relaxed)) {
  }
  if (version < seen) {
    violations_.fetch_add(1, std::memory_order_relaxed);
    return Verdict::out_of_order;
  }
  return Verdict::in_order;
}

}  // namespace eventbus::bench
