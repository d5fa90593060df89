// SPDX-License-Identifier: Apache-2.0
#include "core/rate_limit/token_bucket.hpp"

#include <algorithm>

namespace eventbus::core {
namespace {

// Refills add up in floating point (0.9 + 0.1 can come out a hair below 1): a token that is
// due must not be missed by such a hair.
constexpr double kWhole = 1 - 1e-9;

}  // namespace

TokenBucket::TokenBucket(const RateLimit& limit, Now now)
    : per_second_(limit.per_second),
      capacity_(static_cast<double>(limit.capacity())),
      now_(std::move(now)),
      tokens_(capacity_),
      refilled_at_(now_()) {}

void TokenBucket::refill_locked(Clock::time_point now) {
  if (now <= refilled_at_) return;  // a clock that stands still (or a test's that goes back)
  const double seconds = std::chrono::duration<double>(now - refilled_at_).count();
  tokens_ = std::min(capacity_, tokens_ + seconds * per_second_);
  refilled_at_ = now;
}

bool TokenBucket::try_take() {
  std::lock_guard lock(mutex_);
  refill_locked(now_());
  if (tokens_ < kWhole) return false;
  tokens_ -= 1;
  return true;
}

std::optional<TokenBucket::Clock::time_point> TokenBucket::reserve(Clock::duration max_wait) {
  std::lock_guard lock(mutex_);
  const Clock::time_point now = now_();
  refill_locked(now);
  if (tokens_ >= kWhole) {
    tokens_ -= 1;
    return now;
  }
  // The token after those already reserved comes when the deficit has refilled. Capped at
  // ~30 years so that a tiny rate cannot overflow the clock's representation.
  const double seconds = std::min((1 - tokens_) / per_second_, 1e9);
  const auto wait = std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(seconds));
  if (wait > max_wait) return std::nullopt;
  tokens_ -= 1;
  return now + wait;
}

void TokenBucket::give_back() {
  std::lock_guard lock(mutex_);
  refill_locked(now_());
  tokens_ = std::min(capacity_, tokens_ + 1);
}

TokenBucket::Clock::time_point TokenBucket::next_token_at() {
  std::lock_guard lock(mutex_);
  const Clock::time_point now = now_();
  refill_locked(now);
  if (tokens_ >= kWhole) return now;
  const double seconds = std::min((1 - tokens_) / per_second_, 1e9);  // as in reserve()
  return now + std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(seconds));
}

double TokenBucket::tokens() {
  std::lock_guard lock(mutex_);
  refill_locked(now_());
  return tokens_;
}

}  // namespace eventbus::core
