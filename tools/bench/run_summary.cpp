// SPDX-License-Identifier: Apache-2.0
#include "run_summary.hpp"

#include <algorithm>

namespace eventbus::bench {

Summary summarize(const std::vector<RunMetrics>& runs, const std::string& level,
                  const std::string& transport, const std::string& client) {
  std::vector<const RunMetrics*> picked;
  for (const auto& r : runs)
    if (r.level == level && r.transport == transport && r.client == client) picked.push_back(&r);
  Summary s;
  if (picked.empty()) return s;
  std::sort(picked.begin(), picked.end(),
            [](const RunMetrics* a, const RunMetrics* b) { return a->throughput < b->throughput; });
  s.median = picked[picked.size() / 2];
  s.repeats = picked.size();
  s.throughput_min = picked.front()->throughput;
  s.throughput_max = picked.back()->throughput;
  s.throughput_median = s.median->throughput;
  for (const RunMetrics* r : picked) {
    s.lost = std::max(s.lost, r->messages - std::min(r->messages, r->distinct));
    s.duplicates += r->duplicates;
    s.order_violations += r->order_violations;
    s.unknown += r->unknown;
    s.leaked_threads += r->leaked_threads;
    if (s.error.empty()) s.error = r->error;
  }
  return s;
}

double heap_kept_mb(const RunMetrics& run) {
  if (run.heap_before == 0 || run.heap_after <= run.heap_before) return 0;
  return static_cast<double>(run.heap_after - run.heap_before) / (1024.0 * 1024.0);
}

double throughput_ratio(const std::vector<RunMetrics>& runs, const std::string& level,
                        const std::string& transport, const std::string& baseline) {
  const Summary bus = summarize(runs, level, transport, kBusClient);
  const Summary raw = summarize(runs, level, transport, baseline);
  if (!bus.present() || !raw.present() || raw.throughput_median <= 0) return 0;
  return bus.throughput_median / raw.throughput_median;
}

}  // namespace eventbus::bench
