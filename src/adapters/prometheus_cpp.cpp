// SPDX-License-Identifier: Apache-2.0
// The buses' exposition samples as prometheus-cpp's MetricFamily values: the same families
// MetricsRegistry::text() writes, built from the same samples.
#include "eventbus/adapters/prometheus_cpp.hpp"

#include <cstddef>
#include <limits>

#include "prometheus/exposition.hpp"
#include "prometheus/registry_access.hpp"

namespace eventbus::prometheus_cpp {
namespace {

prometheus::MetricType type_of(metrics::MetricType type) {
  switch (type) {
    case metrics::MetricType::counter:
      return prometheus::MetricType::Counter;
    case metrics::MetricType::histogram:
      return prometheus::MetricType::Histogram;
    case metrics::MetricType::gauge:
      break;
  }
  return prometheus::MetricType::Gauge;
}

prometheus::ClientMetric metric_of(const metrics::Exposition::Family& family,
                                   const metrics::Exposition::Sample& sample) {
  prometheus::ClientMetric m;
  for (const auto& [name, value] : sample.labels)
    m.label.push_back({name, value});
  switch (family.type) {
    case metrics::MetricType::counter:
      m.counter.value = sample.value;
      break;
    case metrics::MetricType::gauge:
      m.gauge.value = sample.value;
      break;
    case metrics::MetricType::histogram:
      // Cumulative counts, one per upper bound and the +Inf bucket last, as prometheus-cpp's
      // own histograms give them.
      for (std::size_t i = 0; i < sample.buckets.size(); ++i) {
        const double bound = i < family.upper_bounds.size()
                                 ? family.upper_bounds[i]
                                 : std::numeric_limits<double>::infinity();
        m.histogram.bucket.push_back({sample.buckets[i], bound});
      }
      m.histogram.sample_count = sample.buckets.empty() ? 0 : sample.buckets.back();
      m.histogram.sample_sum = sample.sum;
      break;
  }
  return m;
}

}  // namespace

BusCollectable::BusCollectable(const MetricsRegistry& buses) : buses_(buses) {}

std::vector<prometheus::MetricFamily> BusCollectable::Collect() const {
  metrics::Exposition samples;
  MetricsRegistryAccess::collect(buses_, samples);
  std::vector<prometheus::MetricFamily> out;
  out.reserve(samples.families().size());
  for (const metrics::Exposition::Family& family : samples.families()) {
    prometheus::MetricFamily& f = out.emplace_back();
    f.name = family.name;
    f.help = family.help;
    f.type = type_of(family.type);
    f.metric.reserve(family.samples.size());
    for (const metrics::Exposition::Sample& sample : family.samples)
      f.metric.push_back(metric_of(family, sample));
  }
  return out;
}

}  // namespace eventbus::prometheus_cpp
