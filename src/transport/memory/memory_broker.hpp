// SPDX-License-Identifier: Apache-2.0
// An in-process broker with real at-least-once semantics: a log per topic, and per consumer
// group a cursor, the messages delivered but not yet acked, and the ones to deliver again.
//
// Buses that name the same broker share it, so two buses can be two members of one group.
// A message stays in the log until every group of its topic has acked it; a group created
// later starts at the oldest message still held.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "eventbus/message.hpp"

namespace eventbus::memory {

struct StoredMessage {
  std::uint64_t sequence = 0;  // 1-based position in the topic's log
  std::string key;
  Headers headers;
  std::string payload;
  std::chrono::system_clock::time_point stored_at;
};

struct Fetched {
  std::shared_ptr<const StoredMessage> message;
  std::uint32_t delivery_count = 1;
};

class MemoryTopic {
 public:
  std::uint64_t append(std::string key, Headers headers, std::string payload);
  // Up to `max` messages for `group`: redeliveries first (oldest first), then new ones. Waits
  // for at least one until `stop` is requested; returns empty only then.
  std::vector<Fetched> fetch(const std::string& group, std::size_t max, std::stop_token stop);
  void ack(const std::string& group, std::uint64_t sequence);
  void nack(const std::string& group, std::uint64_t sequence);
  // Creates the group if it is new.
  void join(const std::string& group);
  // {not delivered yet (including nacked ones waiting to go out again), delivered not acked}.
  std::pair<std::int64_t, std::int64_t> backlog(const std::string& group);

  // Reading (Bus::read). The newest sequence stored so far (0: none yet).
  std::uint64_t last_sequence();
  // The first message after `after` still held (an anonymous reader), or with a group the
  // first after `after` the group has not acked: to deliver again, delivered and not acked, or
  // never delivered. A group that does not exist is not created (a group pins the log): it
  // reads as a new one would start. Null when there is none (yet).
  std::shared_ptr<const StoredMessage> held_after(std::uint64_t after);
  std::shared_ptr<const StoredMessage> unsettled_after(const std::string& group,
                                                       std::uint64_t after);
  // The group acks `sequence`, and every never-delivered one before it (a reader settles in
  // order). Creates the group.
  void settle(const std::string& group, std::uint64_t sequence);
  // Waits until a message after `after` is stored, `stop` is requested or `until`.
  void wait_after(std::uint64_t after, std::stop_token stop,
                  std::chrono::steady_clock::time_point until);

  // Inspection (memory_inspection.cpp). The messages the log holds, and their payload bytes.
  struct Held {
    std::int64_t messages = 0;
    std::int64_t bytes = 0;
  };
  Held held();
  // backlog() of a group that exists; nullopt, without creating it (a group pins the log),
  // when it does not.
  std::optional<std::pair<std::int64_t, std::int64_t>> backlog_if_joined(const std::string& group);

 private:
  struct Group {
    std::uint64_t cursor = 0;                          // next sequence never delivered
    std::map<std::uint64_t, std::uint32_t> unacked;    // sequence -> deliveries so far
    std::map<std::uint64_t, std::uint32_t> redeliver;  // nacked, waiting to go out again
  };
  Group& group_locked(const std::string& name);
  std::shared_ptr<const StoredMessage> at_locked(std::uint64_t sequence) const;
  void trim_locked();

  std::mutex mutex_;
  std::condition_variable_any arrived_;
  std::vector<std::shared_ptr<const StoredMessage>> log_;  // log_[i] has sequence first_ + i
  std::size_t head_ = 0;  // log_ entries before head_ are trimmed (nulls)
  std::uint64_t next_sequence_ = 1;
  std::map<std::string, Group> groups_;
};

class MemoryBroker {
 public:
  // The broker of that name in this process, created on first use and freed with its last bus.
  static std::shared_ptr<MemoryBroker> named(const std::string& name);
  std::shared_ptr<MemoryTopic> topic(const std::string& name);
  // The topic when something has published to or subscribed it; null otherwise.
  std::shared_ptr<MemoryTopic> find(const std::string& name);
  // Every topic so far, by name (memory_inspection.cpp).
  std::vector<std::pair<std::string, std::shared_ptr<MemoryTopic>>> all();

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<MemoryTopic>> topics_;
};

}  // namespace eventbus::memory
