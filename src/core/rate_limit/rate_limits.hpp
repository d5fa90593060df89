// SPDX-License-Identifier: Apache-2.0
// The rate-limit buckets of one direction of a bus (publishing, or handling): one for the bus,
// one per topic named in BusOptions::topics with a limit, and, when BusOptions::default_topic
// has a limit, one per other topic, made on its first use.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/rate_limit/rate_gate.hpp"
#include "core/rate_limit/token_bucket.hpp"
#include "eventbus/options.hpp"

namespace eventbus::core {

class RateLimits {
 public:
  using TopicField = RateLimit TopicOptions::*;  // publish_rate_limit or handle_rate_limit

  RateLimits(const BusOptions& options, const RateLimit& bus, TopicField field,
             TokenBucket::Now now = &TokenBucket::Clock::now);

  // False when no bucket can exist: callers then skip gate() altogether.
  bool limited() const noexcept { return limited_; }
  // The buckets a message of `topic` passes. Valid as long as this object.
  RateGate gate(std::string_view topic);

 private:
  using Buckets = std::map<std::string, std::unique_ptr<TokenBucket>, std::less<>>;

  const TokenBucket::Now now_;
  std::unique_ptr<TokenBucket> bus_;
  Buckets named_;  // every topic of BusOptions::topics (null: unlimited); fixed: read unlocked
  const RateLimit default_;
  bool limited_ = false;
  std::mutex others_mutex_;
  Buckets others_;  // topics limited through default_topic; guarded by others_mutex_
};

}  // namespace eventbus::core
