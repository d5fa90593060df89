// SPDX-License-Identifier: Apache-2.0
// What the NATS-specific tests share: bus options for a server. Names come from
// support/unique_name.hpp (prefix "nats"), bounded polls of server-side state from
// support/wait.hpp.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "eventbus/eventbus.hpp"
#include "support/broker_env.hpp"
#include "support/unique_name.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {

// The CTest fixture's shared server.
inline std::string shared_nats_url() {
  return broker_setting("EVENTBUS_NATS_URL", "EVENTBUS_NATS_STATE");
}

inline BusOptions nats_bus_options(const std::string& url) {
  BusOptions options;
  options.transport = "nats";
  options.nats.servers = {url};
  options.nats.fetch_wait = std::chrono::milliseconds(100);  // tests close buses often
  options.nats.connect_timeout = std::chrono::milliseconds(2000);
  options.nats.max_reconnect = 0;  // a failing test should not hang in reconnects
  return options;
}

}  // namespace eventbus::testing
