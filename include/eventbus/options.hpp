// SPDX-License-Identifier: Apache-2.0
/// @file
/// Options of a Bus. Every field states its default and what 0 means.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <system_error>

#include "eventbus/health_options.hpp"
#include "eventbus/kafka_options.hpp"
#include "eventbus/log.hpp"
#include "eventbus/nats_options.hpp"
#include "eventbus/rate_limit.hpp"
#include "eventbus/topic_options.hpp"

namespace eventbus {

using std::chrono::milliseconds;

/// What publish does when max_in_flight messages await their broker ack, or a publish rate
/// limit has no token left.
enum class OverflowPolicy {
  block,      ///< wait for room up to PublishOptions::block_timeout, then fail with publish_timeout
              ///< (rate limits: rate_limited, at once when the token would come later than that)
  fail_fast,  ///< fail at once with in_flight_limit (rate limits: rate_limited)
};

/// How the bus publishes (BusOptions::publish); PublishCall overrides some of it for one call.
struct PublishOptions {
  std::size_t max_in_flight = 4096;                ///< messages sent but not yet acked; must be > 0
  OverflowPolicy on_full = OverflowPolicy::block;  ///< at max_in_flight or a rate limit
  milliseconds block_timeout{5000};  ///< how long `block` waits for room; 0 behaves like fail_fast
  /// A message not acked in this time completes with publish_timeout.
  milliseconds ack_timeout{30000};
  /// Publishes of the whole bus (dead letters excepted), taken before the in-flight slot: see
  /// OverflowPolicy. Default: unlimited.
  RateLimit rate_limit;
};

/// How a failed handler call is retried in its lane before its message is dead-lettered.
struct RetryPolicy {
  std::uint32_t max_attempts = 3;    ///< handler calls before dead-lettering; must be >= 1
  milliseconds initial_backoff{10};  ///< wait before the 2nd attempt; 0: retry at once
  milliseconds max_backoff{1000};    ///< cap of the exponential backoff; >= initial_backoff
  double multiplier = 2.0;           ///< backoff growth per attempt; must be >= 1
  /// The wait before attempt `attempt + 1` (attempt counts from 1).
  milliseconds backoff_after(std::uint32_t attempt) const noexcept;
};

/// How delivered messages reach the handlers (BusOptions::dispatch): lanes by aggregate id,
/// run by a pool of workers.
struct DispatchOptions {
  std::size_t lanes = 16;   ///< aggregate id hash -> lane; one message at a time each; must be > 0
  std::size_t workers = 4;  ///< threads running lanes; clamped to lanes; must be > 0
  /// Queued messages per lane before the fetcher is pushed back; must be > 0.
  std::size_t lane_capacity = 256;
  RetryPolicy retry;        ///< what happens when a handler fails
  bool dead_letter = true;  ///< send given-up messages to "<topic>.dlq"; false: nack instead
  /// Messages of the whole bus entering the lanes; retries take no token. A fetcher waits for a
  /// token (Kafka pauses the partition), which pushes back on the broker. Default: unlimited.
  RateLimit rate_limit;
};

/// Options of the in-process transport (BusOptions::memory).
struct MemoryOptions {
  /// Buses naming the same broker share topics and consumer groups within the process.
  std::string broker = "default";
  std::size_t fetch_batch = 256;  ///< messages a subscription takes at once; must be > 0
  /// Larger payloads fail with message_too_large, as they would on a broker (nats-server's
  /// max_payload and Kafka's message.max.bytes are both about 1 MB by default). Must be > 0.
  std::size_t max_message_bytes = 1 << 20;
};

/// Everything a Bus is constructed with.
struct BusOptions {
  std::string transport = "memory";  ///< memory | nats | kafka
  std::string group = "eventbus";    ///< consumer group of this bus's subscriptions
  /// Names this bus: Kafka client.id, the NATS connection name (unless NatsOptions::name), the
  /// metrics' client label and the heartbeats' source.
  std::string client_name = "eventbus";
  PublishOptions publish;                      ///< publishing
  DispatchOptions dispatch;                    ///< handling
  MemoryOptions memory;                        ///< transport "memory"
  NatsOptions nats;                            ///< transport "nats"
  KafkaOptions kafka;                          ///< transport "kafka"
  TopicOptions default_topic;                  ///< for topics not named in `topics`
  std::map<std::string, TopicOptions> topics;  ///< per-topic overrides, by topic name
  HeartbeatOptions heartbeat;                  ///< off by default
  MonitorOptions monitor;                      ///< thresholds off by default
  milliseconds close_timeout{10000};  ///< the destructor's close deadline; 0: cancel at once
  /// subscribe() waits this long at most for its topic (found, made or checked on the broker)
  /// and its consumer; then transport_error. Must be > 0.
  milliseconds subscribe_timeout{30000};
  LogOptions log;  ///< default: stderr, info and above

  /// The options of `topic`: its entry in `topics`, or else `default_topic`.
  const TopicOptions& topic_options(const std::string& topic) const {
    auto it = topics.find(topic);
    return it == topics.end() ? default_topic : it->second;
  }

  /// Checks every field; the error's message names the bad option.
  std::error_code validate(std::string* detail = nullptr) const;
};

}  // namespace eventbus
