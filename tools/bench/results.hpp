// SPDX-License-Identifier: Apache-2.0
// Every run of an invocation, and its condensed forms for the reports (see run_summary.hpp).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "run_metrics.hpp"
#include "run_summary.hpp"
#include "settings.hpp"

namespace eventbus::bench {

using Facts = std::vector<std::pair<std::string, std::string>>;

struct Results {
  Settings settings;
  Facts environment;    // machine, versions, load
  Facts configuration;  // client settings that shape the figures
  std::vector<RunMetrics> runs;

  // The condensed runs of one level, transport and client (see RunMetrics::client).
  Summary summary(const std::string& level, const std::string& transport,
                  const std::string& client) const {
    return summarize(runs, level, transport, client);
  }
  // bus / `baseline` median throughput; 0 when either is missing.
  double ratio(const std::string& level, const std::string& transport,
               const std::string& baseline = kRawClient) const {
    return throughput_ratio(runs, level, transport, baseline);
  }
  // Why the invocation failed: lost, reordered or unknown messages, leaked threads, errors.
  std::vector<std::string> failures() const;
  // Clients whose throughput moved more than kUnsteadySpread between repeats of a level.
  std::vector<std::string> unsteady() const;
};

// "Kafka", "NATS", "memory".
std::string display_name(const std::string& transport);

}  // namespace eventbus::bench
