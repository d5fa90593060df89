// Every run of an invocation, and how the reports condense repeats: the repeat with the median
// throughput stands for the performance figures; correctness takes the worst of all repeats.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "run_metrics.hpp"
#include "settings.hpp"

namespace eventbus::bench {

using Facts = std::vector<std::pair<std::string, std::string>>;

struct Summary {
  const RunMetrics* median = nullptr;  // the repeat with the median throughput
  double throughput_min = 0, throughput_median = 0, throughput_max = 0;
  std::uint64_t repeats = 0;
  std::uint64_t lost = 0;  // most messages missing in one repeat
  std::uint64_t duplicates = 0, order_violations = 0, unknown = 0;  // over all repeats
  std::int64_t leaked_threads = 0;                                  // over all repeats
  std::string error;                                                // the first error
  bool present() const noexcept { return median != nullptr; }
};

struct Results {
  Settings settings;
  Facts environment;    // machine, versions, load
  Facts configuration;  // client settings that shape the figures
  std::vector<RunMetrics> runs;

  // The condensed runs of one level, transport and client ("bus" or "raw").
  Summary summary(const std::string& level, const std::string& transport,
                  const std::string& client) const;
  // bus / raw median throughput; 0 when either is missing.
  double ratio(const std::string& level, const std::string& transport) const;
  // Why the invocation failed: lost, reordered or unknown messages, leaked threads, errors.
  std::vector<std::string> failures() const;
};

// "Kafka", "NATS", "memory".
std::string display_name(const std::string& transport);

}  // namespace eventbus::bench
