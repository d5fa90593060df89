// SPDX-License-Identifier: Apache-2.0
// Records handled envelopes and checks what the bus promises: nothing lost, nothing twice
// without a failure, and each aggregate's versions handled in increasing order.
//
// The tests' one order checker: every test that checks per-aggregate order records into an
// OrderTracker (the conformance suite, the Kafka, fault and interop tests). It takes any
// aggregate id, version and event id, and can be waited on. tools/bench/order_checker.hpp is
// the benchmark's own (lock-free over a fixed range of numbered aggregates, for benchmark
// rates); tests/bench/ tests it as part of the bench, and no other test uses it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "support/wait.hpp"

namespace eventbus::testing {

class OrderTracker {
 public:
  // One delivery, from any thread. A delivery of an event id seen before is a duplicate
  // (at-least-once allows redelivery), never an order violation; a first delivery whose version
  // is not above every version of its aggregate delivered before is an order violation. A test
  // that allows no redelivery at all checks duplicates() == 0 as well.
  void record(const std::string& aggregate_id, std::int64_t version, const std::string& event_id) {
    signal_.update([&] {
      ++handled_;
      if (!seen_.insert(event_id).second) {
        ++duplicates_;
        return;
      }
      std::int64_t& highest = highest_version_[aggregate_id];  // 0: none yet
      if (version <= highest) {
        ++order_violations_;
      } else {
        highest = version;
      }
    });
  }
  // True once `count` distinct events were handled; false at the timeout.
  bool wait_for_distinct(std::size_t count, std::chrono::milliseconds timeout) {
    return signal_.wait_for(timeout, [&] { return seen_.size() >= count; });
  }
  // Distinct events handled (by event id).
  std::size_t distinct() const {
    return locked([&] { return seen_.size(); });
  }
  // Deliveries of an event handled before.
  std::size_t duplicates() const {
    return locked([&] { return duplicates_; });
  }
  // First deliveries that came after a version of their aggregate at least as high.
  std::size_t order_violations() const {
    return locked([&] { return order_violations_; });
  }
  // Every delivery, duplicates included.
  std::size_t handled() const {
    return locked([&] { return handled_; });
  }

 private:
  template <typename F>
  std::size_t locked(F f) const {
    std::lock_guard lock(signal_.mutex());
    return f();
  }
  mutable Signal signal_;
  std::map<std::string, std::int64_t> highest_version_;
  std::set<std::string> seen_;
  std::size_t duplicates_ = 0, order_violations_ = 0, handled_ = 0;
};

}  // namespace eventbus::testing
