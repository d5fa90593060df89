#include "results.hpp"

#include <algorithm>

namespace eventbus::bench {
namespace {

std::string run_name(const RunMetrics& r, const Results& results) {
  std::string name = display_name(r.transport) + " " + r.client + " " + r.level;
  if (results.settings.repeats > 1) name += " (repeat " + std::to_string(r.repeat + 1) + ")";
  return name;
}

}  // namespace

std::string display_name(const std::string& transport) {
  if (transport == "kafka") return "Kafka";
  if (transport == "nats") return "NATS";
  return transport;
}

Summary Results::summary(const std::string& level, const std::string& transport,
                         const std::string& client) const {
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

double Results::ratio(const std::string& level, const std::string& transport) const {
  const Summary bus = summary(level, transport, "bus");
  const Summary raw = summary(level, transport, "raw");
  if (!bus.present() || !raw.present() || raw.throughput_median <= 0) return 0;
  return bus.throughput_median / raw.throughput_median;
}

std::vector<std::string> Results::failures() const {
  std::vector<std::string> out;
  for (const auto& r : runs) {
    const std::string name = run_name(r, *this);
    if (!r.error.empty()) out.push_back(name + ": " + r.error);
    if (r.distinct < r.messages) {
      out.push_back(name + ": " + std::to_string(r.messages - r.distinct) + " of " +
                    std::to_string(r.messages) + " messages lost (" +
                    std::to_string(r.publish_failed) + " publishes failed)");
    }
    if (r.order_violations > 0) {
      out.push_back(name + ": " + std::to_string(r.order_violations) + " order violations");
    }
    if (r.unknown > 0) {
      out.push_back(name + ": " + std::to_string(r.unknown) + " messages not of this run");
    }
    if (r.leaked_threads > 0) {
      out.push_back(name + ": " + std::to_string(r.leaked_threads) + " threads leaked (" +
                    std::to_string(r.threads_after) + " after close, expected " +
                    std::to_string(r.threads_expected) + ")");
    }
  }
  return out;
}

}  // namespace eventbus::bench
