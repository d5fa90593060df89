// SPDX-License-Identifier: Apache-2.0
/// @file
/// How a topic is created on the broker, what the bus may change on one that exists, and how
/// fast it may be published and handled. One struct for every transport; each reads the fields
/// that apply to it.
///
/// The rule: the bus never changes a topic or stream it finds on the broker unless the user
/// asked for that exact change. The broker settings below are unset by default; a topic the bus
/// creates gets the default each one names, and an existing one is used as it is. Only a setting
/// the user set is compared (validate_only) or applied (create_or_update).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "eventbus/rate_limit.hpp"

namespace eventbus {

/// What the bus does with a topic (Kafka) or stream (NATS) on the broker.
enum class TopicStrategy {
  /// The default. Creates a missing topic (Kafka) or stream (NATS, when no stream carries the
  /// subject yet); uses an existing one as it is, whatever its partitions, subjects or limits.
  create_only,
  /// Like create_only, and then changes an existing topic or stream, but only in the settings
  /// set here: NATS limits are updated, a subject is only ever added to a stream's subjects
  /// (never removed); Kafka retention is updated, partitions are added only with
  /// allow_partition_increase. A change the broker cannot make fails (invalid_option), naming
  /// the topic, what exists and what was asked, and changes nothing.
  create_or_update,
  /// Never changes the broker: fails (invalid_option) when the topic or stream is missing or a
  /// setting set here differs from what the broker has.
  validate_only,
  /// No admin round trip when publishing: the topic is assumed to exist. A NATS subscription
  /// still asks which stream carries the subject (a read), to bind its consumer.
  skip,
};

/// NATS stream storage.
enum class StorageType { file, memory };
/// NATS: what a full stream drops.
enum class DiscardPolicy { old_messages, new_messages };

/// A topic's broker settings, its strategy and its rate limits (BusOptions::default_topic and
/// BusOptions::topics).
struct TopicOptions {
  TopicStrategy strategy = TopicStrategy::create_only;  ///< what the bus may do on the broker

  /// @name Broker settings
  /// Unset: a new topic gets the default named, an existing one keeps its own.
  ///@{
  std::optional<StorageType> storage;                ///< NATS; default file; fixed once created
  std::optional<std::chrono::milliseconds> max_age;  ///< default 0: keep forever
  std::optional<std::int64_t> max_bytes;             ///< default -1: unlimited
  std::optional<std::int64_t> max_messages;          ///< NATS; default -1: unlimited
  std::optional<std::int32_t> replicas;              ///< NATS replicas / Kafka replication; 1
  /// Kafka: min.insync.replicas, the replicas that must have a record before an acks=all
  /// publish (every publish of this bus) is acked. With replicas 3, 2 lets one node be down
  /// while publishes go on, and an acked record survives the loss of any one node. Unset: the
  /// broker's min.insync.replicas (Kafka's default is 1). Must be <= replicas when both are set.
  std::optional<std::int32_t> min_insync_replicas;
  std::optional<DiscardPolicy> discard;                       ///< NATS; default old_messages
  std::optional<std::chrono::milliseconds> duplicate_window;  ///< NATS Nats-Msg-Id window; 2 min
  std::optional<std::int32_t> partitions;                     ///< Kafka; default 4
  /// create_or_update may add partitions to an existing Kafka topic. Off by default: a producer
  /// picks a key's partition as hash(key) % partitions (this bus, sarama, the Java client), so
  /// after the change most aggregates land on another partition than before and their order
  /// across the change is lost, for every service producing to the topic.
  bool allow_partition_increase = false;
  ///@}

  /// NATS: the stream that carries this topic. Empty: the stream the server says carries the
  /// subject, or else a new one named by NatsOptions::stream_name (see there). Set: that stream,
  /// which must carry the subject (or get it: create_or_update adds it).
  std::string stream;

  /// @name Rate limits
  /// Per-topic limits, on top of the bus's (PublishOptions / DispatchOptions::rate_limit). Given
  /// in BusOptions::default_topic, every other topic gets a bucket of its own. Default: unlimited.
  ///@{
  RateLimit publish_rate_limit;  ///< publishes to this topic
  RateLimit handle_rate_limit;   ///< messages of this topic entering the lanes
  ///@}

  /// @name Defaults
  /// What a topic the bus creates gets for a setting left unset.
  ///@{
  static constexpr StorageType kDefaultStorage = StorageType::file;              ///< storage
  static constexpr std::chrono::milliseconds kDefaultMaxAge{0};                  ///< max_age
  static constexpr std::int64_t kDefaultMaxBytes = -1;                           ///< max_bytes
  static constexpr std::int64_t kDefaultMaxMessages = -1;                        ///< max_messages
  static constexpr std::int32_t kDefaultReplicas = 1;                            ///< replicas
  static constexpr DiscardPolicy kDefaultDiscard = DiscardPolicy::old_messages;  ///< discard
  static constexpr std::chrono::milliseconds kDefaultDuplicateWindow{120000};  ///< duplicate_window
  static constexpr std::int32_t kDefaultPartitions = 4;                        ///< partitions
  ///@}
};

}  // namespace eventbus
