// SPDX-License-Identifier: Apache-2.0
// The rate-limit buckets one operation passes: its bus's and its topic's, either of which may be
// absent. A token is taken from each, or from none.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/rate_limit/token_bucket.hpp"
#include "core/stop_signal.hpp"

namespace eventbus::core {

class RateGate {
 public:
  using Clock = std::chrono::steady_clock;

  enum class Outcome {
    passed,            // both tokens were there
    waited,            // slept until both tokens came
    refused_by_bus,    // the bus's token comes after the deadline; nothing taken
    refused_by_topic,  // the topic's token comes after the deadline; nothing taken
    stopped,           // the stop signal ended the wait
  };

  RateGate() = default;  // no limit
  RateGate(TokenBucket* bus, TokenBucket* topic) noexcept : bus_(bus), topic_(topic) {}

  bool limited() const noexcept { return bus_ != nullptr || topic_ != nullptr; }

  // Takes a token from each bucket: at once, or sleeping on `stop` until both have come when
  // that is no later than `deadline`; otherwise refused at once (no use waiting for a token
  // that comes too late). A pass that has to sleep adds 1 to `waits` first.
  Outcome pass(Clock::time_point deadline, StopSignal& stop, std::atomic<std::uint64_t>& waits);
  // Takes a token from each bucket only when both are there now.
  bool try_pass();
  // Returns the tokens of a pass that was not used.
  void give_back();
  // When try_pass() may next find both tokens; takes nothing.
  Clock::time_point next_pass_at();

 private:
  TokenBucket* bus_ = nullptr;
  TokenBucket* topic_ = nullptr;
};

}  // namespace eventbus::core
