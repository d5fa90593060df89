// SPDX-License-Identifier: Apache-2.0
// Bus::topics and Bus::group_lag on the in-process broker: its topics with the messages their
// logs hold, and a group's backlog as its cursor and unacked set count it. Nothing here waits,
// so the deadline and the stop token have nothing to bound.
#include "eventbus/error.hpp"
#include "transport/memory/memory_broker.hpp"
#include "transport/memory/memory_transport.hpp"

namespace eventbus::memory {

MemoryTopic::Held MemoryTopic::held() {
  std::lock_guard lock(mutex_);
  Held held;
  for (std::size_t i = head_; i < log_.size(); ++i) {
    if (!log_[i]) continue;
    ++held.messages;
    held.bytes += static_cast<std::int64_t>(log_[i]->payload.size());
  }
  return held;
}

std::optional<std::pair<std::int64_t, std::int64_t>> MemoryTopic::backlog_if_joined(
    const std::string& group) {
  {
    std::lock_guard lock(mutex_);
    if (groups_.find(group) == groups_.end()) return std::nullopt;
  }
  return backlog(group);  // groups are never removed: it still exists
}

std::vector<std::pair<std::string, std::shared_ptr<MemoryTopic>>> MemoryBroker::all() {
  std::lock_guard lock(mutex_);
  return {topics_.begin(), topics_.end()};
}

TopicsReport MemoryTransport::topics(core::Deadline, std::stop_token) {
  TopicsReport report;
  for (const auto& [name, topic] : broker_->all()) {
    if (name.starts_with("__")) continue;
    const MemoryTopic::Held held = topic->held();
    TopicInfo& info = report.topics.emplace_back();
    info.name = name;
    info.messages = held.messages;
    info.bytes = held.bytes;
  }
  return report;
}

GroupLagReport MemoryTransport::group_lag(const std::string& group, const std::string& topic,
                                          core::Deadline, std::stop_token) {
  GroupLagReport report;
  report.topic = topic;
  report.group = group;
  const std::shared_ptr<MemoryTopic> found = broker_->find(topic);
  if (!found) {
    report.error = make_error_code(errc::unknown_topic);
    report.detail = "memory: topic " + topic + " does not exist";
    return report;
  }
  GroupPartitionLag& entry = report.entries.emplace_back();
  entry.topic = topic;
  entry.group = group;
  if (const auto backlog = found->backlog_if_joined(group)) {
    report.has_position = true;
    entry.pending = backlog->first;
    entry.unacked = backlog->second;
  } else {
    entry.pending = found->held().messages;  // a new group starts at the oldest one held
  }
  return report;
}

}  // namespace eventbus::memory
