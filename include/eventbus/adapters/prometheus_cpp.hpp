// SPDX-License-Identifier: Apache-2.0
/// @file
/// The buses' metrics for an application that already serves prometheus-cpp metrics (target
/// eventbus::prometheus_cpp, built when prometheus-cpp is found).
///
/// prometheus-cpp scrapes `prometheus::Collectable`s: an application's `prometheus::Registry` is
/// one, registered with its `prometheus::Exposer` (or push `Gateway`). The buses' metrics are
/// another, registered next to it, so one endpoint serves both:
/// @code
///   auto app_metrics = std::make_shared<prometheus::Registry>();  // the application's own
///   exposer.RegisterCollectable(app_metrics);
///   eventbus::MetricsRegistry buses;
///   buses.add(bus);
///   auto bus_metrics = std::make_shared<eventbus::prometheus_cpp::BusCollectable>(buses);
///   exposer.RegisterCollectable(bus_metrics);
/// @endcode
/// Not inside the Registry itself: a prometheus-cpp 1.0 Registry holds only the metrics it made,
/// each moved by Increment/Set/Observe calls; the buses' counters would be copied into them by a
/// thread of their own and lag behind. A Collectable reads them at the scrape, as
/// MetricsRegistry::text() does, with the same families, labels and values
/// (docs/operations.md, "Metrics").
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

#include "eventbus/metrics.hpp"

namespace eventbus::prometheus_cpp {

/// The families of a MetricsRegistry's buses and of the process, as prometheus-cpp reads them.
/// Holds a copy of the registry (copies share one set of buses): add and remove buses through
/// any copy. Thread-safe; never keeps a bus alive.
class BusCollectable final : public prometheus::Collectable {
 public:
  /// Collects what `buses` holds at each scrape.
  explicit BusCollectable(const MetricsRegistry& buses);
  /// Every family: counters, gauges and histograms with their help text and labels.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  MetricsRegistry buses_;
};

}  // namespace eventbus::prometheus_cpp
