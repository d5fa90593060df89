// SPDX-License-Identifier: Apache-2.0
#include "core/metrics/bus_metrics.hpp"

#include "core/topic_name.hpp"

namespace eventbus::core {
namespace {

std::size_t hash_topic(std::string_view topic) noexcept {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a
  for (unsigned char c : topic) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<std::size_t>(hash);
}

}  // namespace

BusMetrics::BusMetrics() = default;
BusMetrics::~BusMetrics() = default;

PublishMetrics* BusMetrics::find_publishing(std::string_view topic,
                                            std::size_t hash) const noexcept {
  for (std::size_t probe = 0; probe < kSlots; ++probe) {
    PublishMetrics* entry = slots_[(hash + probe) % kSlots].load(std::memory_order_acquire);
    if (entry == nullptr) return nullptr;
    if (entry->topic == topic) return entry;
  }
  return nullptr;
}

PublishMetrics& BusMetrics::publishing(std::string_view topic) {
  if (PublishMetrics* entry = find_publishing(topic, hash_topic(topic))) return *entry;
  std::lock_guard lock(mutex_);
  return add_publishing_locked(topic);
}

PublishMetrics& BusMetrics::add_publishing_locked(std::string_view topic) {
  const std::size_t hash = hash_topic(topic);
  if (PublishMetrics* entry = find_publishing(topic, hash)) return *entry;  // lost a race
  if (publishing_.size() >= kMaxPublishTopics) {
    // Each later topic takes this mutex on every publish: the price of the bound.
    if (!other_topics_) other_topics_ = std::make_unique<PublishMetrics>(std::string(kOtherTopics));
    return *other_topics_;
  }
  auto entry = std::make_unique<PublishMetrics>(std::string(topic));
  PublishMetrics* raw = entry.get();
  publishing_.push_back(std::move(entry));
  for (std::size_t probe = 0;; ++probe) {  // at most half the slots are full: one is empty
    std::atomic<PublishMetrics*>& slot = slots_[(hash + probe) % kSlots];
    if (slot.load(std::memory_order_relaxed) == nullptr) {
      slot.store(raw, std::memory_order_release);
      return *raw;
    }
  }
}

PublishMetrics& BusMetrics::publishing_any(std::string_view topic) {
  if (!validate_topic(topic)) return publishing(topic);
  return publishing(kInvalidTopic);  // not a valid topic, so it never meets a real one
}

ConsumeMetrics& BusMetrics::consuming(std::string_view topic, std::string_view group) {
  std::lock_guard lock(mutex_);
  for (const auto& entry : consuming_) {
    if (entry->topic == topic && entry->group == group) return *entry;
  }
  consuming_.push_back(std::make_unique<ConsumeMetrics>(std::string(topic), std::string(group)));
  return *consuming_.back();
}

}  // namespace eventbus::core
