// SPDX-License-Identifier: Apache-2.0
// A MetricsRegistry's samples before they become text, for the library's other renderings
// (the prometheus-cpp adapter).
#pragma once

#include "eventbus/metrics.hpp"
#include "prometheus/exposition.hpp"

namespace eventbus {

struct MetricsRegistryAccess {
  // Every registered live bus's families plus the process-wide ones, added to `out`.
  static void collect(const MetricsRegistry& registry, metrics::Exposition& out);
};

}  // namespace eventbus
