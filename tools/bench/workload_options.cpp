// SPDX-License-Identifier: Apache-2.0
// --levels, --transports and the options that shape each run's messages and senders.
#include <CLI/CLI.hpp>

#include "eventbus/version.hpp"
#include "option_groups.hpp"

namespace eventbus::bench {

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

bool known(const std::string& transport) {
  return transport == "kafka" || transport == "nats" || transport == "memory";
}

}  // namespace

void WorkloadOptions::add(CLI::App& app, Settings& s) {
  app.add_option("--levels", levels,
                 "low,medium,high,extreme (= standard), 100k, 1m, or message counts")
      ->capture_default_str();
  app.add_option("--transports", transports, "any of kafka,nats,memory")->capture_default_str();
  app.add_flag("--memory-only", memory_only, "only the memory transport, no brokers");
  app.add_flag("--no-baselines", no_baselines, "skip the raw nats.c / librdkafka runs");
  app.add_flag("--no-prime", no_prime, "skip the unmeasured 10,000-message pass per transport");
  app.add_option("--repeats", s.repeats,
                 "runs per level and client, interleaved (min/median/max; over 2x apart is "
                 "flagged unsteady)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--heap-after-close-limit", s.heap_after_close_limit_mb,
                 "fail a run that holds more than this many MB of heap after close than before")
      ->check(CLI::Range(0.0, 1024.0))
      ->capture_default_str();
  app.add_option("--senders", s.senders, "sender threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--topics", s.topics, "topics (aggregate i -> topic i mod n)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--envelope-bytes", s.envelope_bytes, "approximate encoded envelope size")
      ->check(CLI::Range(0, 1 << 20))
      ->capture_default_str();
  max_in_flight =
      app.add_option("--max-in-flight", s.max_in_flight, "publishes awaiting their ack, at most")
          ->check(CLI::Range(1, 1 << 20))
          ->capture_default_str();
}

std::string WorkloadOptions::apply(Settings& s) const {
  s.baselines = !no_baselines;
  s.prime = !no_prime;
  std::string error;
  s.levels = parse_levels(levels, error);
  if (!error.empty()) return error;
  const auto given = split(memory_only ? "memory" : transports);
  s.transports.clear();
  for (const char* transport : {"kafka", "nats", "memory"}) {  // the report's column order
    for (const auto& t : given)
      if (t == transport) s.transports.push_back(t);
  }
  for (const auto& t : given) {
    if (!known(t)) return "unknown transport '" + t + "'";
    if (!transport_built(t)) {
      return "transport '" + t + "' was not built into this eventbus (configure with " +
             "-DEVENTBUS_WITH_" + (t == "nats" ? "NATS" : "KAFKA") +
             "=ON); pick others with --transports or --memory-only";
    }
  }
  if (s.transports.empty()) return "no transports given";
  return "";
}

}  // namespace eventbus::bench
