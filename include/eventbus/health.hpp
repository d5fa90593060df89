// SPDX-License-Identifier: Apache-2.0
/// @file
/// What Bus::health() reports and what alert handlers receive.
///
/// health() is answered from state the bus keeps anyway plus, for NATS, one consumer-info
/// request per subscription (a round trip each); Kafka's lag comes from the consumer's poll
/// thread, refreshed every second. Alerts come from the bus's monitor thread (started only
/// when BusOptions::monitor.interval or the heartbeat options ask for it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace eventbus {

/// How serious an alert is.
enum class Severity { warning, error, critical };

/// The backlog of one Kafka partition or one NATS consumer, as its broker reports it.
struct PartitionLag {
  std::string topic;            ///< the subscription's topic
  std::string group;            ///< the subscription's consumer group
  std::int32_t partition = -1;  ///< Kafka partition; -1 for a NATS consumer
  /// NATS: the stream the durable consumer reads (whoever made it; see TopicOptions::stream).
  /// Kafka: empty.
  std::string stream;
  std::string consumer;  ///< NATS: the consumer's name. Kafka: empty.
  /// Stored but not yet fetched by this consumer: Kafka high watermark - fetch position;
  /// NATS NumPending. Drives lag age (see MonitorOptions::lag_age).
  std::int64_t pending = 0;
  /// Fetched but not yet finished: Kafka fetch position - committable watermark (messages in
  /// the process or not yet committed); NATS NumAckPending.
  std::int64_t unacked = 0;
  /// NATS: pull requests the server stopped answering (two idle heartbeats missed: a frozen or
  /// restarted server, a lost status), each issued again. Kafka: 0.
  std::uint64_t lost_pull_requests = 0;
  /// pending + unacked: what a restart would have to (re)deliver.
  std::int64_t lag() const noexcept { return pending + unacked; }
};

/// Progress of one subscription of this bus.
struct SubscriptionHealth {
  std::string topic;              ///< the subscribed topic
  std::string group;              ///< the subscription's consumer group
  std::uint64_t handled = 0;      ///< handler successes
  std::uint64_t in_progress = 0;  ///< handed to the dispatcher and not finished yet
  /// @name Last success
  /// Wall-clock time and broker position of the last successful handler; empty before one.
  ///@{
  std::optional<std::chrono::system_clock::time_point> last_handled;  ///< when it returned
  std::int32_t last_partition = -1;  ///< its message's Message::partition; -1 before one
  std::int64_t last_offset = -1;     ///< its message's Message::offset; -1 before one
  ///@}
  /// in_progress > 0 and no handler call finished (successfully or not) for
  /// MonitorOptions::stall_after.
  bool stalled = false;
  std::int64_t lag = 0;  ///< sum of lag() over this subscription's partitions / consumer
  bool paused = false;   ///< Subscription::pause() holds it
};

/// What Bus::health() reports: the connection, the publisher and every subscription.
struct Health {
  std::string transport;         ///< Bus::transport_name(): memory, nats or kafka
  bool connected = false;        ///< the client has a live connection to a broker now
  std::uint64_t reconnects = 0;  ///< connections lost and re-established since the bus started
  std::uint64_t publish_in_flight = 0;            ///< publishes awaiting their broker ack
  std::vector<SubscriptionHealth> subscriptions;  ///< one per subscription of this bus
  std::vector<PartitionLag> lag;  ///< per Kafka partition assigned to this bus / NATS consumer
  /// Heartbeats (HeartbeatOptions::watch): when the last one arrived; empty before the first.
  std::optional<std::chrono::system_clock::time_point> last_heartbeat;
  bool closed = false;  ///< the bus is closed or closing

  /// Connected, open and no subscription stalled.
  bool healthy() const noexcept;
};

/// The condition an Alert reports.
enum class AlertKind {
  heartbeat_missing,  ///< no heartbeat on the health topic for interval + timeout, or more
  lag,                ///< a subscription's lag reached MonitorOptions::lag_messages
  lag_age,            ///< a subscription has had unfetched messages for MonitorOptions::lag_age
  stalled,            ///< a subscription has work but no handler finished for stall_after
  in_flight,          ///< publishes awaiting acks reached MonitorOptions::in_flight
  ack_latency,        ///< the mean ack latency of the last interval reached ack_latency
  disconnected,       ///< the client lost its broker connection (and cleared on reconnect)
};

/// A condition that started (cleared == false) or ended (cleared == true). A condition is
/// reported once when it starts, again when its severity rises (heartbeats only), and once
/// when it clears.
struct Alert {
  AlertKind kind = AlertKind::lag;        ///< which condition
  Severity severity = Severity::warning;  ///< when cleared, the severity it had
  bool cleared = false;                   ///< true: the condition ended
  std::string topic;                      ///< empty for bus-wide conditions
  std::string group;     ///< the subscription's consumer group; empty for bus-wide conditions
  double value = 0;      ///< the measured value: messages, milliseconds, or missed heartbeats
  double threshold = 0;  ///< the configured bound it was compared with
  std::string detail;    ///< one line for a log
};

/// Runs on the bus's monitor thread; must not block for long or call close() on its bus.
using AlertHandler = std::function<void(const Alert&)>;

/// The kind's name as written in AlertKind, such as "heartbeat_missing".
const char* to_string(AlertKind kind) noexcept;
/// The severity's name: "warning", "error" or "critical".
const char* to_string(Severity severity) noexcept;

}  // namespace eventbus
