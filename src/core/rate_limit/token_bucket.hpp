// SPDX-License-Identifier: Apache-2.0
// A token bucket that hands out reservations: a caller that finds it empty takes the next token
// to come and learns when that is, so waiters queue in arrival order, each sleeping until its
// own time, and nobody polls. The clock is injectable so unit tests control time.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

#include "eventbus/rate_limit.hpp"

namespace eventbus::core {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  // Starts full. `limit` must be limited() (validated by BusOptions::validate()).
  explicit TokenBucket(const RateLimit& limit, Now now = &Clock::now);

  // Takes a token that is there now; false (nothing taken) when there is none.
  bool try_take();
  // Takes the next token if it comes within `max_wait` from now, and returns when it comes
  // (now, when one is there); nullopt, with nothing taken, when it comes later than that.
  std::optional<Clock::time_point> reserve(Clock::duration max_wait);
  // Returns a token taken and not used (a reservation given up, a delivery that found no room).
  void give_back();
  // When try_take() will next find a token (now, when one is there); takes nothing.
  Clock::time_point next_token_at();

  // Whole tokens there now (negative while reservations wait), for tests and logs.
  double tokens();

 private:
  void refill_locked(Clock::time_point now);

  const double per_second_;
  const double capacity_;
  const Now now_;
  std::mutex mutex_;
  double tokens_;  // may go below 0: that many reservations wait for tokens to come
  Clock::time_point refilled_at_;
};

}  // namespace eventbus::core
