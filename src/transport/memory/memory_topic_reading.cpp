// SPDX-License-Identifier: Apache-2.0
// The parts of MemoryTopic a reader uses (Bus::read): walking the log without taking messages
// from a group's subscribers, and settling in order.
#include <algorithm>

#include "transport/memory/memory_broker.hpp"

namespace eventbus::memory {

std::uint64_t MemoryTopic::last_sequence() {
  std::lock_guard lock(mutex_);
  return next_sequence_ - 1;
}

std::shared_ptr<const StoredMessage> MemoryTopic::at_locked(std::uint64_t sequence) const {
  const std::uint64_t first = next_sequence_ - log_.size();
  if (sequence < first + head_ || sequence >= next_sequence_) return nullptr;
  return log_[sequence - first];
}

std::shared_ptr<const StoredMessage> MemoryTopic::held_after(std::uint64_t after) {
  std::lock_guard lock(mutex_);
  const std::uint64_t oldest = next_sequence_ - (log_.size() - head_);
  return at_locked(std::max(after + 1, oldest));
}

std::shared_ptr<const StoredMessage> MemoryTopic::unsettled_after(const std::string& group,
                                                                  std::uint64_t after) {
  std::lock_guard lock(mutex_);
  const auto found = groups_.find(group);
  const std::uint64_t oldest = next_sequence_ - (log_.size() - head_);
  if (found == groups_.end()) return at_locked(std::max(after + 1, oldest));
  const Group& g = found->second;
  std::uint64_t next = std::max(after + 1, g.cursor);
  for (const auto* pending : {&g.unacked, &g.redeliver}) {
    const auto it = pending->upper_bound(after);
    if (it != pending->end()) next = std::min(next, it->first);
  }
  return at_locked(next);
}

void MemoryTopic::settle(const std::string& group, std::uint64_t sequence) {
  std::lock_guard lock(mutex_);
  Group& g = group_locked(group);
  g.unacked.erase(sequence);
  g.redeliver.erase(sequence);
  g.cursor = std::max(g.cursor, sequence + 1);
  trim_locked();
}

void MemoryTopic::wait_after(std::uint64_t after, std::stop_token stop,
                             std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mutex_);
  arrived_.wait_until(lock, stop, until, [&] { return next_sequence_ > after + 1; });
}

}  // namespace eventbus::memory
