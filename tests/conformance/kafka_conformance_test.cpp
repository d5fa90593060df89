// SPDX-License-Identifier: Apache-2.0
// The conformance suite on Apache Kafka, against a real broker started by the CTest fixture
// (scripts/ctest-broker.sh kafka, which runs Kafka's own jars from Maven Central).
#include <cstdlib>

#include "conformance/conformance.hpp"
#include "support/broker_env.hpp"

namespace eventbus::testing {
namespace {

BusOptions kafka_options() {
  BusOptions options;
  options.transport = "kafka";
  options.kafka.brokers = broker_setting("EVENTBUS_KAFKA_BROKERS", "EVENTBUS_KAFKA_STATE");
  options.kafka.linger = std::chrono::milliseconds(1);
  // A single broker on 2 cores: short sessions make group changes in the tests quick.
  options.kafka.session_timeout = std::chrono::milliseconds(6000);
  options.kafka.heartbeat_interval = std::chrono::milliseconds(500);
  // librdkafka's own debug contexts (e.g. "cgrp,fetch") for a test run that needs them.
  if (const char* debug = std::getenv("EVENTBUS_KAFKA_DEBUG"))
    options.kafka.consumer_properties["debug"] = debug;
  return options;
}

INSTANTIATE_TEST_SUITE_P(Kafka, Conformance,
                         ::testing::Values(TransportUnderTest{"kafka", kafka_options}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace eventbus::testing
