// SPDX-License-Identifier: Apache-2.0
/// @file
/// Options of the Kafka transport. Every field states its default and what 0 means.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace eventbus {

/// TLS and SASL of the connections to the brokers (KafkaOptions::security). They apply to every
/// librdkafka client the bus makes: the producer, each group's consumer, the consumers of reads
/// and inspections, and so the topic admin and metadata requests too. The defaults are a
/// plaintext connection without authentication. The producer and consumer properties are
/// applied after these, so a raw security.* or sasl.* property still wins.
struct KafkaSecurityOptions {
  /// security.protocol: plaintext | ssl | sasl_plaintext | sasl_ssl (default plaintext).
  std::string protocol = "plaintext";
  /// sasl.mechanism: PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512. Required with a sasl_* protocol,
  /// and must be empty (the default) with the others.
  std::string mechanism;
  /// sasl.username. Required with a sasl_* protocol; empty (the default) with the others.
  std::string username;
  /// sasl.password. Required with a sasl_* protocol; empty (the default) with the others.
  /// Never logged, and never part of an error.
  std::string password;
  /// ssl.ca.location: a PEM file of the CAs that may sign the brokers' certificates, for ssl
  /// and sasl_ssl; it must exist. Empty (the default): the system's CAs.
  std::string ca_file;
};

/// Options of the Kafka transport (BusOptions::kafka).
struct KafkaOptions {
  std::string brokers = "127.0.0.1:9092";  ///< bootstrap.servers

  /// @name Connection
  /// A bus checks at construction that a broker answers within connect_timeout and throws
  /// naming the address if none does; retry_on_failed_connect skips that check, and the bus then
  /// works once a broker appears (publishes meanwhile fail after their timeouts).
  ///@{
  std::chrono::milliseconds connect_timeout{5000};  ///< must be > 0
  bool retry_on_failed_connect = false;             ///< true: skip the check at construction
  /// Cap of librdkafka's exponential reconnect backoff (reconnect.backoff.max.ms, 10 s by
  /// default there): how soon after a broker is back the bus notices. Must be > 0.
  std::chrono::milliseconds reconnect_backoff_max{1000};
  ///@}

  /// @name Producer
  /// Idempotence and acks=all keep per-partition order across retries.
  ///@{
  bool idempotent = true;               ///< enable.idempotence (acks=all is always set)
  std::string compression = "none";     ///< none | gzip | snappy | lz4 | zstd
  std::chrono::milliseconds linger{5};  ///< linger.ms: wait this long to fill a batch; 0: don't
  std::int32_t batch_size = 1000000;    ///< batch.size in bytes; must be > 0
  /// How long a message may wait for its ack before its completion fails (message.timeout.ms;
  /// librdkafka's own default is 300 s). 0: BusOptions::publish.ack_timeout.
  std::chrono::milliseconds message_timeout{0};
  ///@}

  /// @name Consumer
  /// One group member per bus and group, for all its topics.
  /// Each of these must be > 0; heartbeat_interval below session_timeout.
  ///@{
  std::chrono::milliseconds session_timeout{10000};     ///< session.timeout.ms
  std::chrono::milliseconds heartbeat_interval{3000};   ///< heartbeat.interval.ms
  std::chrono::milliseconds max_poll_interval{300000};  ///< max.poll.interval.ms
  std::chrono::milliseconds commit_interval{1000};      ///< async commits of finished offsets
  std::chrono::milliseconds revoke_timeout{5000};  ///< on revoke, wait this long for in-flight work
  std::string auto_offset_reset = "earliest";      ///< where a new group starts: earliest | latest
  /// How partitions move between the members of a group (partition.assignment.strategy):
  /// cooperative-sticky (incremental: only the partitions that move stop), range, roundrobin, or
  /// eager "range,roundrobin" (every rebalance stops every member's partitions). "auto" picks
  /// cooperative-sticky with librdkafka 2.10 or later, eager before: older librdkafka drops a
  /// member's whole assignment when one of its commits meets a concurrent rebalance
  /// (librdkafka#4059), and the partitions' next owners handle again what it handled since its
  /// last commit. Commits on revoke make an eager hand-over exact.
  std::string assignment_strategy = "auto";  ///< resolved_assignment_strategy() tells which
  /// queued.max.messages.kbytes: librdkafka's prefetch bound; also the bound of the records a
  /// member parks while their lanes are full (shared by its partitions), so a slow consumer holds
  /// at most about twice this much. Must be > 0.
  std::int32_t fetch_queue_kbytes = 16384;
  ///@}

  std::chrono::milliseconds admin_timeout{10000};  ///< each topic admin/metadata call; > 0

  KafkaSecurityOptions security;  ///< TLS and SASL; plaintext without authentication by default

  /// @name Extra librdkafka properties
  /// Extra librdkafka properties, applied last (after security too, so they may override it).
  ///@{
  std::map<std::string, std::string> producer_properties;  ///< for the producer
  std::map<std::string, std::string> consumer_properties;  ///< for the consumers
  ///@}
};

/// The partition.assignment.strategy a bus with these options uses: "auto" resolved for the
/// librdkafka this process runs with, any other value as it is (for logs and reports).
/// In a library built without the Kafka transport (EVENTBUS_WITH_KAFKA=OFF), the value as it
/// is.
std::string resolved_assignment_strategy(const KafkaOptions& options);

}  // namespace eventbus
