// SPDX-License-Identifier: Apache-2.0
// Checks what the bus promises about delivery for a run's messages: each aggregate's versions
// arrive in increasing order, and which messages arrived, how often. Lock-free; deliveries of
// different aggregates may be recorded from different threads at once.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace eventbus::bench {

class OrderChecker {
 public:
  enum class Verdict {
    in_order,      // first delivery, newer than every earlier version of its aggregate
    out_of_order,  // first delivery, but a later version of its aggregate came before it
    duplicate,     // delivered before (at-least-once allows this; it is not an order violation)
    unknown,       // aggregate or version outside the run
  };

  // Aggregates 0..aggregates-1, versions 1..max_version.
  OrderChecker(std::size_t aggregates, std::int64_t max_version);

  Verdict record(std::size_t aggregate, std::int64_t version) noexcept;

  std::uint64_t distinct() const noexcept { return distinct_.load(std::memory_order_relaxed); }
  std::uint64_t duplicates() const noexcept { return duplicates_.load(std::memory_order_relaxed); }
  std::uint64_t order_violations() const noexcept {
    return violations_.load(std::memory_order_relaxed);
  }
  std::uint64_t unknown() const noexcept { return unknown_.load(std::memory_order_relaxed); }

 private:
  std::size_t aggregates_;
  std::int64_t max_version_;
  std::unique_ptr<std::atomic<std::int64_t>[]> highest_;  // per aggregate; 0 = none yet
  std::unique_ptr<std::atomic<bool>[]> seen_;             // per (aggregate, version)
  std::atomic<std::uint64_t> distinct_{0}, duplicates_{0}, violations_{0}, unknown_{0};
};

}  // namespace eventbus::bench
