// SPDX-License-Identifier: Apache-2.0
// Where a bus's health data (per-partition lag, reconnects) enters the exposition.
// health_samples() in bus_collector.cpp fills HealthSamples from Bus::health().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "prometheus/exposition.hpp"

namespace eventbus::metrics {

// The backlog of one Kafka partition or one NATS consumer (partition -1).
struct LagSample {
  std::string topic;
  std::string group;
  std::int32_t partition = -1;
  std::int64_t messages = 0;  // stored but not yet finished by this consumer
};

struct HealthSamples {
  std::optional<std::uint64_t> reconnects;  // connections re-established since the bus started
  std::vector<LagSample> lag;
};

// Appends eventbus_consumer_lag{<bus labels>,topic,group,partition} (a gauge, one sample per
// partition; partition="" for a NATS consumer, which has none) and
// eventbus_reconnects_total{<bus labels>}.
void append_health_metrics(const HealthSamples& health, const Labels& bus_labels, Exposition& out);

}  // namespace eventbus::metrics
