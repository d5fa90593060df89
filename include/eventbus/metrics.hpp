// SPDX-License-Identifier: Apache-2.0
/// @file
/// Prometheus metrics of buses, in the text exposition format 0.0.4: what a scraper reads.
///
/// @code
///   eventbus::MetricsRegistry registry;
///   registry.add(bus);                        // bus: an eventbus::Bus
///   std::string text = registry.text();       // or serve it: eventbus/metrics_server.hpp
/// @endcode
///
/// The families (docs/operations.md, "Metrics"): counters eventbus_published_total, _acked_total,
/// _publish_failed_total and _rejected_total {error}, per topic; eventbus_delivered_total,
/// _handled_total, _handler_failures_total, _retries_total, _dead_letters_total and
/// _decode_errors_total per topic and group; histograms eventbus_publish_call_seconds,
/// eventbus_publish_ack_seconds (per topic) and eventbus_handler_seconds (per topic and group);
/// gauges eventbus_up, eventbus_in_flight_publishes, eventbus_lanes_busy,
/// eventbus_queued_messages per bus and eventbus_process_threads for the process. Every bus
/// series carries the labels transport and client (BusOptions::client_name); buses sharing
/// both add up into one series (eventbus_up then counts the open ones).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "eventbus/bus.hpp"

namespace eventbus {

/// The exposition of `buses` (null entries are skipped) plus the process-wide families. The
/// buses must stay alive during the call.
std::string prometheus_text(std::span<const Bus* const> buses);

/// A set of buses to expose together. Copies share one set, so a MetricsServer keeps its own
/// copy and the registry a caller holds need not outlive it.
///
/// Lifetime: a registry never keeps a bus alive and never touches a destroyed one. A bus that
/// is destroyed while registered drops out by itself (its destructor waits for a scrape of it
/// in progress, which only reads counters); remove() is only needed to stop exposing a bus that
/// lives on. Thread-safe.
class MetricsRegistry {
 public:
  /// An empty set.
  MetricsRegistry();
  /// Releases this copy's share of the set.
  ~MetricsRegistry();
  /// A copy: shares the other registry's set.
  MetricsRegistry(const MetricsRegistry&);
  /// Shares the other registry's set from now on.
  MetricsRegistry& operator=(const MetricsRegistry&);

  /// Exposes `bus` from now on; adding a bus twice exposes it once.
  void add(const Bus& bus);
  /// Stops exposing `bus`; false when it was not registered. After return no scrape reads it.
  bool remove(const Bus& bus);
  /// Registered buses that are still alive.
  std::size_t size() const;
  /// The exposition of every registered live bus plus the process-wide families.
  std::string text() const;

 private:
  friend struct MetricsRegistryAccess;  // the library's renderings other than text()
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace eventbus
