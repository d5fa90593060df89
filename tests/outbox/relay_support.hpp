// SPDX-License-Identifier: Apache-2.0
// What the relay tests share: an in-process bus of their own, a relay that polls and backs off
// in milliseconds, and a subscription recording every event in an OrderTracker.
#pragma once

#include <chrono>
#include <string>
#include <system_error>

#include "eventbus/eventbus.hpp"
#include "eventbus/outbox/relay_options.hpp"
#include "support/order_tracker.hpp"
#include "support/unique_name.hpp"

namespace eventbus::testing {

// A memory bus on a broker no other test uses, logging errors only.
inline BusOptions outbox_memory_bus() {
  BusOptions options;
  options.memory.broker = unique_name("outbox", "broker");
  options.log.level = LogLevel::error;
  return options;
}

// Polls every 10 ms and retries after 10 ms, then up to 50 ms.
inline outbox::RelayOptions fast_relay() {
  outbox::RelayOptions options;
  options.poll_interval = std::chrono::milliseconds(10);
  options.initial_backoff = std::chrono::milliseconds(10);
  options.max_backoff = std::chrono::milliseconds(50);
  return options;
}

// Subscribes `tracker` to `topic` (every event recorded with its id); the subscription's error.
inline std::error_code track(Bus& bus, const std::string& topic, OrderTracker& tracker) {
  return bus
      .subscribe_envelope(topic,
                          [&tracker](const Envelope& e, const Message&) {
                            tracker.record(e.aggregate_id, e.event_version, e.event_id);
                            return HandlerResult::ok();
                          })
      .error();
}

}  // namespace eventbus::testing
