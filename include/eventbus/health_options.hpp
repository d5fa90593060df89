// SPDX-License-Identifier: Apache-2.0
/// @file
/// Options of the bus's monitor thread: heartbeats on a health topic, and thresholds for lag,
/// stalls and the publisher's in-flight depth and ack latency (see eventbus/health.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace eventbus {

/// A heartbeat is a small JSON message ({"messageId","timestamp","source","eventBusType",
/// "version"}, as the Go SDK's health-check message) published through the bus itself, so it
/// proves the whole path: client, broker and subscription.
struct HeartbeatOptions {
  bool publish = false;  ///< publish a heartbeat to `topic` every `interval`
  bool watch = false;    ///< subscribe to `topic`; alert when heartbeats stop arriving
  std::string topic = "eventbus-health-check";  ///< the health topic, published and watched
  /// The watching subscription's consumer group; empty: "<BusOptions::group>.health.<client_name>"
  /// so that every instance sees every heartbeat (give instances distinct client names).
  std::string group;
  std::chrono::milliseconds interval{120000};  ///< between heartbeats; must be > 0
  /// Grace after `interval` before a heartbeat counts as missed; also how long a heartbeat
  /// publish waits for room at the in-flight bound (its PublishCall::block_timeout). Must be > 0.
  std::chrono::milliseconds timeout{10000};
  /// @name Missed heartbeats
  /// Missed intervals (interval + timeout each) before an alert of each severity; must be
  /// increasing and >= 1.
  ///@{
  std::uint32_t warning_misses = 1;   ///< before a Severity::warning alert
  std::uint32_t error_misses = 3;     ///< before a Severity::error alert
  std::uint32_t critical_misses = 5;  ///< before a Severity::critical alert
  ///@}
};

/// Thresholds of the monitor thread's alerts (see AlertKind).
struct MonitorOptions {
  /// How often the monitor thread samples health() and checks the thresholds below; 0 (the
  /// default) checks none of them: no monitor thread, unless heartbeats are on, and then it
  /// watches the heartbeats only.
  std::chrono::milliseconds interval{0};
  /// A subscription with work but no finished handler call for this long is stalled; must be > 0.
  std::chrono::milliseconds stall_after{60000};
  std::int64_t lag_messages = 0;         ///< alert at this lag per subscription; 0: off
  std::chrono::milliseconds lag_age{0};  ///< alert when messages stayed unfetched this long; 0: off
  std::uint64_t in_flight = 0;           ///< alert at this many unacked publishes; 0: off
  std::chrono::milliseconds ack_latency{0};  ///< alert at this mean ack latency; 0: off
};

}  // namespace eventbus
