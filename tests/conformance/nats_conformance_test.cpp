// SPDX-License-Identifier: Apache-2.0
// The conformance suite on NATS JetStream, against a real nats-server started by the CTest
// fixture (scripts/ctest-broker.sh).
#include "conformance/conformance.hpp"
#include "support/broker_env.hpp"

namespace eventbus::testing {
namespace {

BusOptions nats_options() {
  BusOptions options;
  options.transport = "nats";
  options.nats.servers = {broker_setting("EVENTBUS_NATS_URL", "EVENTBUS_NATS_STATE")};
  options.nats.fetch_wait = std::chrono::milliseconds(100);  // short: tests close buses often
  return options;
}

INSTANTIATE_TEST_SUITE_P(Nats, Conformance,
                         ::testing::Values(TransportUnderTest{"nats", nats_options}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace eventbus::testing
