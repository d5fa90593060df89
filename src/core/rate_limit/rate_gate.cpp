// SPDX-License-Identifier: Apache-2.0
#include "core/rate_limit/rate_gate.hpp"

#include <algorithm>

namespace eventbus::core {

RateGate::Outcome RateGate::pass(Clock::time_point deadline, StopSignal& stop,
                                 std::atomic<std::uint64_t>& waits) {
  const Clock::time_point now = Clock::now();
  // Deadline::min() (fail fast) minus now would overflow: compare first.
  const Clock::duration max_wait = deadline <= now ? Clock::duration::zero() : deadline - now;
  Clock::time_point ready = now;
  if (bus_ != nullptr) {
    const auto at = bus_->reserve(max_wait);
    if (!at) return Outcome::refused_by_bus;
    ready = std::max(ready, *at);
  }
  if (topic_ != nullptr) {
    const auto at = topic_->reserve(max_wait);
    if (!at) {
      if (bus_ != nullptr) bus_->give_back();
      return Outcome::refused_by_topic;
    }
    ready = std::max(ready, *at);
  }
  if (ready <= Clock::now()) return Outcome::passed;
  waits.fetch_add(1, std::memory_order_relaxed);
  return stop.sleep_until(ready) ? Outcome::waited : Outcome::stopped;
}

bool RateGate::try_pass() {
  if (bus_ != nullptr && !bus_->try_take()) return false;
  if (topic_ != nullptr && !topic_->try_take()) {
    if (bus_ != nullptr) bus_->give_back();
    return false;
  }
  return true;
}

RateGate::Clock::time_point RateGate::next_pass_at() {
  Clock::time_point at = Clock::now();
  if (bus_ != nullptr) at = std::max(at, bus_->next_token_at());
  if (topic_ != nullptr) at = std::max(at, topic_->next_token_at());
  return at;
}

void RateGate::give_back() {
  if (bus_ != nullptr) bus_->give_back();
  if (topic_ != nullptr) topic_->give_back();
}

}  // namespace eventbus::core
