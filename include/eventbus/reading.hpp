// SPDX-License-Identifier: Apache-2.0
/// @file
/// Reading a topic's stored messages one at a time, as an operator's tool does: from the
/// beginning, from a time, or from a consumer group's position, up to the end or following it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "eventbus/message.hpp"

namespace eventbus {

/// One message as the broker stored it.
struct StoredMessage {
  std::string topic;    ///< the topic it was read from
  std::string key;      ///< Kafka: the record key; memory: the key; NATS: empty
  Headers headers;      ///< every header, in the order stored
  std::string payload;  ///< the bytes, undecoded
  /// Kafka: the partition; NATS and memory: -1.
  std::int32_t partition = -1;
  /// Kafka: the offset in the partition; NATS: the stream sequence; memory: the 1-based
  /// position in the topic's log.
  std::int64_t offset = -1;
  /// When the broker stored it (Kafka: the record timestamp; NATS: the stream's time).
  std::chrono::system_clock::time_point stored_at{};
};

/// Where a read without a group starts.
enum class ReadFrom {
  beginning,  ///< the oldest message the broker still holds
  end,        ///< only messages stored after the read started (useful with `follow`)
  time,       ///< the first message stored at or after ReadOptions::since
};

/// How Bus::read reads.
struct ReadOptions {
  /// Without a group: where to start. Ignored with a group, which starts at its position.
  ReadFrom from = ReadFrom::beginning;
  /// With ReadFrom::time: the earliest stored time read.
  std::chrono::system_clock::time_point since{};
  /// False: stop at the end the topic had when the read started. True: wait for new
  /// messages until the stop token is requested (the timeout is then only the setup's).
  bool follow = false;
  /// Empty: an anonymous reader that leaves no trace (Kafka: no group, nothing committed;
  /// NATS: an ephemeral consumer, deleted at the end). A name: the read starts at that consumer
  /// group's position (NATS: a durable consumer of that name; a new group starts at the
  /// beginning).
  std::string group;
  /// With a group: each message the callback returns ReadStep::next for is settled (Kafka: its
  /// offset committed; NATS: acked) before the next one is read, so an interrupted read
  /// resumes after the last settled message. False: the group's position is not moved.
  bool commit = false;
  /// The whole read when not following; the broker work before the first message when
  /// following. At the deadline the read stops with `transport_error` (detail: how far it got).
  std::chrono::milliseconds timeout{30000};
};

/// What Bus::read did.
struct ReadResult {
  /// Empty when the read reached its end (or its stop). Otherwise: `unknown_topic`,
  /// `invalid_topic`, `invalid_option`, `transport_error` (broker unreachable, the deadline),
  /// `not_supported` or `closed`.
  std::error_code error;
  std::string detail;      ///< what went wrong, in words; empty on success
  std::uint64_t read = 0;  ///< messages handed to the callback
};

/// What the callback of Bus::read asks for.
enum class ReadStep {
  next,  ///< done with this message (settled, with a committing group); read the next one
  stop,  ///< stop here: this message is not settled and is read again by the group next time
};

}  // namespace eventbus
