// SPDX-License-Identifier: Apache-2.0
// --nats-url and --kafka-brokers; scripts/bench.sh passes them for the brokers it starts.
#include <CLI/CLI.hpp>
#include <cstdlib>

#include "option_groups.hpp"

namespace eventbus::bench {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

}  // namespace

void BrokerOptions::add(CLI::App& app, Settings& s) {
  // The environment is the default, so the tests' broker env files work without flags.
  s.nats_url = env_or("EVENTBUS_NATS_URL", "");
  s.kafka_brokers = env_or("EVENTBUS_KAFKA_BROKERS", "");
  app.add_option("--nats-url", s.nats_url, "NATS server (default: $EVENTBUS_NATS_URL)");
  app.add_option("--kafka-brokers", s.kafka_brokers,
                 "Kafka bootstrap servers (default: $EVENTBUS_KAFKA_BROKERS)");
}

std::string BrokerOptions::apply(const Settings& s) const {
  if (s.outbox.inbox) return "";  // --inbox talks to no broker
  if (s.wants("nats") && s.nats_url.empty()) {
    return "the nats transport needs --nats-url or EVENTBUS_NATS_URL (scripts/bench.sh starts "
           "a server)";
  }
  if (s.wants("kafka") && s.kafka_brokers.empty()) {
    return "the kafka transport needs --kafka-brokers or EVENTBUS_KAFKA_BROKERS "
           "(scripts/bench.sh starts a broker)";
  }
  return "";
}

}  // namespace eventbus::bench
