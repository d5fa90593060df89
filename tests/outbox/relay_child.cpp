// SPDX-License-Identifier: Apache-2.0
// The publishing process of the outbox crash test (relay_crash_test.cpp): runs an SqliteRelay
// over a file to a broker until it is killed, as a service would.
//   outbox_relay_child PATH nats|kafka ADDRESS
// Prints nothing; exits 2 when the relay or the bus cannot start.
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>

#include "eventbus/eventbus.hpp"
#include "eventbus/outbox/outbox.hpp"
#include "fault/fault_bus.hpp"

int main(int argc, char** argv) {
  using namespace eventbus;
  if (argc != 4) return 2;
  const std::string path = argv[1], transport = argv[2], address = argv[3];
  try {
    BusOptions options = eventbus::testing::fault_bus_options(
        transport == "nats" ? eventbus::testing::BrokerKind::nats
                            : eventbus::testing::BrokerKind::kafka,
        address);
    options.log.level = LogLevel::error;
    Bus bus(options);
    outbox::RelayOptions relay_options;
    relay_options.batch_size = 50;
    relay_options.poll_interval = std::chrono::milliseconds(20);
    outbox::SqliteRelay relay(path, bus, relay_options);
    for (;;)
      std::this_thread::sleep_for(std::chrono::hours(1));  // until SIGKILL
  } catch (const std::exception& e) {
    std::fprintf(stderr, "outbox_relay_child: %s\n", e.what());
    return 2;
  }
}
