// SPDX-License-Identifier: Apache-2.0
// MetricsRegistry and prometheus_text(): which buses to render, and rendering them.
#include <algorithm>
#include <mutex>
#include <vector>

#include "core/bus/bus_impl.hpp"
#include "core/metrics/metrics_link.hpp"
#include "eventbus/metrics.hpp"
#include "prometheus/bus_collector.hpp"
#include "prometheus/registry_access.hpp"

namespace eventbus {

struct MetricsRegistry::State {
  mutable std::mutex mutex;
  std::vector<std::shared_ptr<core::MetricsLink>> links;  // in registration order

  // Drops the links of destroyed buses; they render nothing and would pile up otherwise.
  void prune_locked() {
    std::erase_if(links, [](const auto& link) { return link->cut_already(); });
  }
};

MetricsRegistry::MetricsRegistry() : state_(std::make_shared<State>()) {}
MetricsRegistry::~MetricsRegistry() = default;
MetricsRegistry::MetricsRegistry(const MetricsRegistry&) = default;
MetricsRegistry& MetricsRegistry::operator=(const MetricsRegistry&) = default;

void MetricsRegistry::add(const Bus& bus) {
  const std::shared_ptr<core::MetricsLink>& link = bus.impl_->metrics_link();
  std::lock_guard lock(state_->mutex);
  state_->prune_locked();
  if (std::find(state_->links.begin(), state_->links.end(), link) == state_->links.end()) {
    state_->links.push_back(link);
  }
}

bool MetricsRegistry::remove(const Bus& bus) {
  const std::shared_ptr<core::MetricsLink>& link = bus.impl_->metrics_link();
  // Held while text() renders, so once this returns no scrape reads the bus.
  std::lock_guard lock(state_->mutex);
  const auto it = std::find(state_->links.begin(), state_->links.end(), link);
  if (it == state_->links.end()) return false;
  state_->links.erase(it);
  return true;
}

std::size_t MetricsRegistry::size() const {
  std::lock_guard lock(state_->mutex);
  return static_cast<std::size_t>(std::count_if(state_->links.begin(), state_->links.end(),
                                                [](const auto& l) { return !l->cut_already(); }));
}

std::string MetricsRegistry::text() const {
  metrics::Exposition out;
  MetricsRegistryAccess::collect(*this, out);
  return out.text();
}

void MetricsRegistryAccess::collect(const MetricsRegistry& registry, metrics::Exposition& out) {
  {
    std::lock_guard lock(registry.state_->mutex);
    for (const auto& link : registry.state_->links) {
      link->visit([&](const Bus::Impl& bus) { metrics::collect_bus(bus, out); });
    }
  }
  metrics::collect_process(out);
}

std::string prometheus_text(std::span<const Bus* const> buses) {
  MetricsRegistry registry;
  for (const Bus* bus : buses) {
    if (bus != nullptr) registry.add(*bus);
  }
  return registry.text();
}

}  // namespace eventbus
