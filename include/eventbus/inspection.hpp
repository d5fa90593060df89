// SPDX-License-Identifier: Apache-2.0
/// @file
/// What an operator's tool asks a broker about its topics and consumer groups: Bus::topics()
/// and Bus::group_lag(), behind the `eventbus topics` and `eventbus lag` commands.
///
/// Both ask the broker now (they do not use what the bus's own subscriptions know), each
/// broker call bounded by the transport's API timeout (nats.api_timeout, kafka.admin_timeout)
/// and the whole query by the caller's timeout.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "eventbus/health.hpp"

namespace eventbus {

/// One topic (Kafka, memory) or one stream (NATS) as its broker holds it.
struct TopicInfo {
  /// Kafka and memory: the topic. NATS: the stream's name.
  std::string name;
  /// NATS: the subjects the stream takes (the topics it carries). Kafka and memory: empty.
  std::vector<std::string> subjects;
  /// Kafka: the messages of each partition (high watermark - low watermark; on a compacted
  /// topic an upper bound), partition i at index i. NATS and memory: empty.
  std::vector<std::int64_t> partition_messages;
  /// The messages held: Kafka the sum over the partitions, NATS the stream's message count,
  /// memory the messages still in the topic's log.
  std::int64_t messages = 0;
  /// The bytes held where the broker says them cheaply: NATS the stream's bytes (as the
  /// server counts them, subjects and headers included), memory the payload bytes. Kafka: -1,
  /// unknown (sizes come only from each broker's log directories, not asked for here).
  std::int64_t bytes = -1;

  /// Kafka: the topic's partition count. NATS and memory: 0.
  std::int32_t partitions() const noexcept {
    return static_cast<std::int32_t>(partition_messages.size());
  }
};

/// What Bus::topics() found.
struct TopicsReport {
  /// Empty when the broker answered. Otherwise transport_error (no answer in time; the detail
  /// names the servers, never a password), not_supported or closed.
  std::error_code error;
  std::string detail;             ///< what went wrong, in words; empty on success
  std::vector<TopicInfo> topics;  ///< by name; internal ones (names starting "__") left out
};

/// One Kafka partition's, or one NATS durable consumer's, backlog of a group on a topic. The
/// fields of PartitionLag keep their meaning, measured against the group's stored position:
/// Kafka `pending` is high watermark - committed offset (high - low watermark when the group
/// committed nothing on the partition) and `unacked` is 0; NATS `pending` is NumPending and
/// `unacked` NumAckPending; memory likewise (not delivered; delivered, not acked).
struct GroupPartitionLag : PartitionLag {
  /// Kafka: the group's committed offset (the next one it reads); -1 when it committed none.
  /// NATS: the consumer's ack floor (the stream sequence up to which all is acked); -1 when
  /// the consumer does not exist. Memory: -1.
  std::int64_t committed = -1;
  /// Kafka: the partition's high watermark (the offset the next message gets). NATS and
  /// memory: -1.
  std::int64_t high = -1;
};

/// What Bus::group_lag() found.
struct GroupLagReport {
  /// Empty when the broker answered. Otherwise unknown_topic (the topic, or on NATS a stream
  /// carrying it, does not exist; the detail names it), invalid_topic, transport_error (no
  /// answer in time), not_supported or closed.
  std::error_code error;
  std::string detail;  ///< what went wrong, in words; empty on success
  std::string topic;   ///< the topic asked about
  std::string group;   ///< the group asked about (BusOptions::group when none was given)
  /// The group has a position on the topic: Kafka a committed offset on some partition, NATS
  /// its durable consumer exists, memory the group exists. False: the group has consumed
  /// nothing yet, and each entry's lag counts every message held (where a new member of the
  /// group would start: the beginning).
  bool has_position = false;
  /// Kafka: one per partition, in partition order. NATS: the group's durable consumer
  /// (named as the transport names it; see PartitionLag::consumer). Memory: one, partition -1.
  std::vector<GroupPartitionLag> entries;

  /// The sum of lag() over the entries.
  std::int64_t total() const noexcept {
    std::int64_t sum = 0;
    for (const GroupPartitionLag& e : entries)
      sum += e.lag();
    return sum;
  }
};

}  // namespace eventbus
