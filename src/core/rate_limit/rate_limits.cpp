// SPDX-License-Identifier: Apache-2.0
#include "core/rate_limit/rate_limits.hpp"

namespace eventbus::core {

RateLimits::RateLimits(const BusOptions& options, const RateLimit& bus, TopicField field,
                       TokenBucket::Now now)
    : now_(std::move(now)), default_(options.default_topic.*field) {
  if (bus.limited()) bus_ = std::make_unique<TokenBucket>(bus, now_);
  limited_ = bus_ != nullptr || default_.limited();
  for (const auto& [name, topic] : options.topics) {
    const RateLimit& limit = topic.*field;
    auto& bucket = named_[name];
    if (limit.limited()) {
      bucket = std::make_unique<TokenBucket>(limit, now_);
      limited_ = true;
    }
  }
}

RateGate RateLimits::gate(std::string_view topic) {
  if (const auto it = named_.find(topic); it != named_.end()) {
    return RateGate(bus_.get(), it->second.get());
  }
  if (!default_.limited()) return RateGate(bus_.get(), nullptr);
  std::lock_guard lock(others_mutex_);
  auto it = others_.find(topic);
  if (it == others_.end()) {
    it = others_.emplace(std::string(topic), std::make_unique<TokenBucket>(default_, now_)).first;
  }
  return RateGate(bus_.get(), it->second.get());
}

}  // namespace eventbus::core
