// SPDX-License-Identifier: Apache-2.0
#include "prometheus/health_metrics.hpp"

namespace eventbus::metrics {

void append_health_metrics(const HealthSamples& health, const Labels& bus_labels, Exposition& out) {
  for (const LagSample& lag : health.lag) {
    Labels labels = bus_labels;
    labels.emplace_back("topic", lag.topic);
    labels.emplace_back("group", lag.group);
    labels.emplace_back("partition", lag.partition < 0 ? "" : std::to_string(lag.partition));
    out.gauge("eventbus_consumer_lag",
              "Messages stored on the broker and not yet finished by this consumer group.", labels,
              static_cast<double>(lag.messages));
  }
  if (health.reconnects) {
    out.counter("eventbus_reconnects_total",
                "Broker connections lost and re-established since the bus started.", bus_labels,
                *health.reconnects);
  }
}

}  // namespace eventbus::metrics
