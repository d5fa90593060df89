// How a topic is created on the broker: retention, storage, partitions, and what to do when
// it already exists; and how fast it may be published and handled. One struct for every
// transport; each reads the fields that apply to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "eventbus/rate_limit.hpp"

namespace eventbus {

enum class TopicStrategy {
  create_only,       // create when missing; leave an existing topic as it is
  create_or_update,  // create when missing; update an existing one to these options
  validate_only,     // never change the broker: fail when missing or different
  skip,              // assume it exists; no broker round trip at all
};

enum class StorageType { file, memory };                  // NATS stream storage
enum class DiscardPolicy { old_messages, new_messages };  // NATS: what a full stream drops

struct TopicOptions {
  TopicStrategy strategy = TopicStrategy::create_or_update;
  StorageType storage = StorageType::file;
  std::chrono::milliseconds max_age{0};  // 0: keep forever
  std::int64_t max_bytes = -1;           // -1: unlimited
  std::int64_t max_messages = -1;        // -1: unlimited
  std::int32_t replicas = 1;             // NATS replicas / Kafka replication factor
  DiscardPolicy discard = DiscardPolicy::old_messages;
  std::chrono::milliseconds duplicate_window{120000};  // NATS Nats-Msg-Id de-duplication
  std::int32_t partitions = 4;                         // Kafka
  std::string stream;  // NATS stream name; empty: derived from the topic
  // Per-topic limits, on top of the bus's (PublishOptions / DispatchOptions::rate_limit). Given
  // in BusOptions::default_topic, every other topic gets a bucket of its own. Default: unlimited.
  RateLimit publish_rate_limit;
  RateLimit handle_rate_limit;
};

}  // namespace eventbus
