// SPDX-License-Identifier: Apache-2.0
// What a MetricsRegistry holds of a bus: a link the bus cuts first thing in its destructor.
// A registry may therefore outlive its buses (and a bus its registrations) safely: a cut link
// renders nothing and is dropped by the registry later.
//
// Rendering runs under the link's mutex, so cut() waits for a scrape of this bus in progress
// (microseconds: it only reads atomics) and no scrape starts on a bus being destroyed.
#pragma once

#include <mutex>

#include "eventbus/bus.hpp"

namespace eventbus::core {

class MetricsLink {
 public:
  explicit MetricsLink(const Bus::Impl& bus) noexcept : bus_(&bus) {}

  // Calls visit(bus) and returns true while the bus exists; false once it was cut.
  template <typename F>
  bool visit(F&& visit) const {
    std::lock_guard lock(mutex_);
    if (bus_ == nullptr) return false;
    visit(*bus_);
    return true;
  }
  bool cut_already() const {
    std::lock_guard lock(mutex_);
    return bus_ == nullptr;
  }
  // Called by the bus's destructor before anything of the bus is torn down.
  void cut() noexcept {
    std::lock_guard lock(mutex_);
    bus_ = nullptr;
  }

 private:
  mutable std::mutex mutex_;
  const Bus::Impl* bus_;
};

}  // namespace eventbus::core
