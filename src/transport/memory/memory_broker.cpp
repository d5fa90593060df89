// SPDX-License-Identifier: Apache-2.0
#include "transport/memory/memory_broker.hpp"

#include <algorithm>

namespace eventbus::memory {

std::uint64_t MemoryTopic::append(std::string key, Headers headers, std::string payload) {
  auto stored = std::make_shared<StoredMessage>();
  stored->key = std::move(key);
  stored->headers = std::move(headers);
  stored->payload = std::move(payload);
  stored->stored_at = std::chrono::system_clock::now();
  std::lock_guard lock(mutex_);
  stored->sequence = next_sequence_++;
  log_.push_back(std::move(stored));
  arrived_.notify_all();
  return log_.back()->sequence;
}

void MemoryTopic::join(const std::string& group) {
  std::lock_guard lock(mutex_);
  group_locked(group);
}

std::pair<std::int64_t, std::int64_t> MemoryTopic::backlog(const std::string& group) {
  std::lock_guard lock(mutex_);
  const Group& g = group_locked(group);
  const auto pending = static_cast<std::int64_t>(next_sequence_ - g.cursor + g.redeliver.size());
  return {pending, static_cast<std::int64_t>(g.unacked.size())};
}

MemoryTopic::Group& MemoryTopic::group_locked(const std::string& name) {
  auto [it, created] = groups_.try_emplace(name);
  if (created) it->second.cursor = next_sequence_ - (log_.size() - head_);
  return it->second;
}

std::vector<Fetched> MemoryTopic::fetch(const std::string& group, std::size_t max,
                                        std::stop_token stop) {
  std::vector<Fetched> out;
  std::unique_lock lock(mutex_);
  Group& g = group_locked(group);
  const bool any =
      arrived_.wait(lock, stop, [&] { return !g.redeliver.empty() || g.cursor < next_sequence_; });
  if (!any) return out;
  const std::uint64_t first = next_sequence_ - log_.size();
  while (out.size() < max && !g.redeliver.empty()) {
    auto node = g.redeliver.extract(g.redeliver.begin());
    const std::uint32_t count = node.mapped() + 1;
    out.push_back({log_[node.key() - first], count});
    g.unacked.emplace(node.key(), count);
  }
  while (out.size() < max && g.cursor < next_sequence_) {
    out.push_back({log_[g.cursor - first], 1});
    g.unacked.emplace(g.cursor++, 1);
  }
  return out;
}

void MemoryTopic::ack(const std::string& group, std::uint64_t sequence) {
  std::lock_guard lock(mutex_);
  auto g = groups_.find(group);  // never create one here: a phantom group would pin the log
  if (g != groups_.end() && g->second.unacked.erase(sequence) > 0) trim_locked();
}

void MemoryTopic::nack(const std::string& group, std::uint64_t sequence) {
  std::lock_guard lock(mutex_);
  auto found = groups_.find(group);
  if (found == groups_.end()) return;
  Group& g = found->second;
  auto it = g.unacked.find(sequence);
  if (it == g.unacked.end()) return;
  g.redeliver.emplace(sequence, it->second);
  g.unacked.erase(it);
  arrived_.notify_all();
}

// Frees the log's front once every group is past it; compacts the vector now and then so
// memory stays proportional to what some group still needs.
void MemoryTopic::trim_locked() {
  std::uint64_t low = next_sequence_;
  for (const auto& [name, g] : groups_) {
    low = std::min(low, g.cursor);
    if (!g.unacked.empty()) low = std::min(low, g.unacked.begin()->first);
    if (!g.redeliver.empty()) low = std::min(low, g.redeliver.begin()->first);
  }
  const std::uint64_t first = next_sequence_ - log_.size();
  while (head_ < log_.size() && first + head_ < low)
    log_[head_++].reset();
  if (head_ > 1024 && head_ * 2 > log_.size()) {
    log_.erase(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

std::shared_ptr<MemoryTopic> MemoryBroker::topic(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto& slot = topics_[name];
  if (!slot) slot = std::make_shared<MemoryTopic>();
  return slot;
}

std::shared_ptr<MemoryTopic> MemoryBroker::find(const std::string& name) {
  std::lock_guard lock(mutex_);
  const auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : it->second;
}

std::shared_ptr<MemoryBroker> MemoryBroker::named(const std::string& name) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::weak_ptr<MemoryBroker>> registry;
  std::lock_guard lock(registry_mutex);
  std::weak_ptr<MemoryBroker>& slot = registry[name];
  std::shared_ptr<MemoryBroker> broker = slot.lock();
  if (!broker) {
    broker = std::make_shared<MemoryBroker>();
    slot = broker;
  }
  return broker;
}

}  // namespace eventbus::memory
