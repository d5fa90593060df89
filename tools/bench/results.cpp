#include "results.hpp"

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
