// SPDX-License-Identifier: Apache-2.0
#include "results.hpp"

#include <cstdio>

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

std::vector<std::string> Results::unsteady() const {
  std::vector<std::string> out;
  for (const auto& level : settings.levels) {
    for (const auto& transport : settings.transports) {
      for (const char* client : {kRawClient, kRawPushClient, kBusClient}) {
        const Summary s = summary(level.name, transport, client);
        if (!s.present() || !s.unsteady()) continue;
        char spread[16];
        std::snprintf(spread, sizeof spread, "%.1f", s.spread());
        out.push_back(display_name(transport) + " " + client + " " + level.name + ": " +
                      std::to_string(static_cast<long long>(s.throughput_min)) + " to " +
                      std::to_string(static_cast<long long>(s.throughput_max)) + " msg/s over " +
                      std::to_string(s.repeats) + " repeats (" + spread + "x)");
      }
    }
  }
  return out;
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
    // The prime pass is the first use of each client library in the process: what they set up
    // once (and keep) is not growth.
    if (const double kept = heap_kept_mb(r);
        r.level != "prime" && kept > settings.heap_after_close_limit_mb) {
      char text[160];
      std::snprintf(text, sizeof text,
                    ": %.2f MB more heap in use after close than before, limit %.2f MB", kept,
                    settings.heap_after_close_limit_mb);
      out.push_back(name + text);
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
