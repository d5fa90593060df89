// SPDX-License-Identifier: Apache-2.0
// What the fault tests share: a broker of the test's own per transport, and bus options that
// ride out a broker's crash instead of giving up (reconnect forever, bounded ack waits). Topic,
// group and broker names come from support/unique_name.hpp (prefix "fault"). A test is
// instantiated only for the transports this eventbus was built with (built_only).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "eventbus/eventbus.hpp"
#include "support/broker_process.hpp"
#include "support/unique_name.hpp"

namespace eventbus::testing {

using namespace std::chrono_literals;
using BrokerKind = BrokerProcess::Kind;

inline std::string PrintToString(BrokerKind kind) {
  return kind == BrokerKind::nats ? "nats" : "kafka";
}

// Of `params`, those whose transport (`transport_of(param)`) was built into this eventbus
// (EVENTBUS_WITH_NATS / EVENTBUS_WITH_KAFKA). A suite that may so end up with no parameters
// says GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST.
template <typename T, typename TransportOf>
std::vector<T> built_only(std::vector<T> params, TransportOf transport_of) {
  std::erase_if(params, [&](const T& p) { return !transport_built(transport_of(p)); });
  return params;
}

// NATS and Kafka, those of the two that were built.
inline std::vector<BrokerKind> built_brokers() {
  return built_only<BrokerKind>({BrokerKind::nats, BrokerKind::kafka},
                                [](BrokerKind kind) { return PrintToString(kind); });
}

// Options for a bus on the broker at `address` that reconnects forever and times out publishes
// within the test's patience.
inline BusOptions fault_bus_options(BrokerKind kind, const std::string& address) {
  BusOptions options;
  options.publish.ack_timeout = 20s;
  if (kind == BrokerKind::nats) {
    options.transport = "nats";
    options.nats.servers = {address};
    options.nats.max_reconnect = -1;
    options.nats.reconnect_wait = 250ms;
    options.nats.connect_timeout = 2s;
    options.nats.fetch_wait = 100ms;
    options.nats.ack_wait = 5s;  // redelivery after a crash within the test's drain time
  } else {
    options.transport = "kafka";
    options.kafka.brokers = address;
    options.kafka.linger = 1ms;
    options.kafka.session_timeout = 6s;
    options.kafka.heartbeat_interval = 500ms;
  }
  return options;
}

}  // namespace eventbus::testing
