// SPDX-License-Identifier: Apache-2.0
#include "level_runs.hpp"

#if !defined(EVENTBUS_WITH_NATS) || !defined(EVENTBUS_WITH_KAFKA)
#error "tools/bench/CMakeLists.txt defines EVENTBUS_WITH_NATS and EVENTBUS_WITH_KAFKA (1 or 0)"
#endif

#include <algorithm>
#include <cstdio>
#include <functional>
#include <utility>
#include <vector>

#include "bus_runner.hpp"
#include "environment.hpp"
#include "raw_runners.hpp"
#include "report_rows.hpp"
#include "run_id.hpp"

namespace eventbus::bench {

namespace {

constexpr std::uint64_t kPrimeMessages = 10000;

void note(const RunMetrics& m) {
  std::fprintf(stderr, "  %-6s %-8s %-8s %8llu msgs  %10s msg/s  %s\n", m.transport.c_str(),
               m.client.c_str(), m.level.c_str(), static_cast<unsigned long long>(m.messages),
               with_commas(m.throughput).c_str(), m.error.empty() ? "" : m.error.c_str());
}

// One run, listed and printed; the next run gets a fresh id (its topics, streams and groups).
void add_run(Results& results, RunContext& context, RunMetrics run) {
  results.runs.push_back(std::move(run));
  note(results.runs.back());
  context.run_id = next_run_id();
}

// One transport's runs of one level. The clients take turns in an order that rotates with
// the repeat (NATS: raw Fetch, raw push, bus; then raw push, bus, raw Fetch; ...), so that no
// client always runs right after another one's topics were deleted and the broker is still
// cleaning up: measured here, the run in third place was the slowest whichever client it was.
void run_transport(Results& results, RunContext context, const std::string& transport,
                   const Level& level, std::size_t repeat) {
  using Runner = std::function<RunMetrics()>;
  std::vector<Runner> clients;
#if EVENTBUS_WITH_NATS
  if (context.settings.baselines && transport == "nats") {
    clients.emplace_back([&] { return run_raw_nats(context, level, repeat); });
    clients.emplace_back([&] { return run_raw_nats_push(context, level, repeat); });
  }
#endif
#if EVENTBUS_WITH_KAFKA
  if (context.settings.baselines && transport == "kafka") {
    clients.emplace_back([&] { return run_raw_kafka(context, level, repeat); });
  }
#endif
  clients.emplace_back([&] { return run_bus(context, transport, level, repeat); });
  std::rotate(clients.begin(),
              clients.begin() + static_cast<std::ptrdiff_t>(repeat % clients.size()),
              clients.end());
  for (const Runner& run : clients)
    add_run(results, context, run());
}

}  // namespace

Results run_levels(const Settings& settings) {
  ProcessSampler sampler;  // the benchmark's own thread, running for the whole invocation
  sampler.start();
  ThreadLedger ledger;  // idle count taken with the sampler running
  Results results{settings, collect_environment(settings), collect_configuration(settings), {}};
  if (settings.prime) {
    // Unmeasured for the tables (a cold broker JVM or file store would weigh on whichever
    // run came first) but kept in the JSON and judged for loss, order and leaks like any run.
    // As large as the largest standard level: after 500 messages a fresh Kafka broker was
    // still cold (not yet compiled by the JIT); its next 10,000-message runs went at 8-25k msg/s
    // instead of 40-78k, and every message queued behind the slow broker: send p99 of 0.8-1 s,
    // raw and bus alike.
    for (const auto& transport : settings.transports)
      run_transport(results, {settings, sampler, ledger, next_run_id()}, transport,
                    {"prime", kPrimeMessages}, 0);
  }
  for (const auto& level : settings.levels) {
    for (std::size_t repeat = 0; repeat < settings.repeats; ++repeat) {
      for (const auto& transport : settings.transports)
        run_transport(results, {settings, sampler, ledger, next_run_id()}, transport, level,
                      repeat);
    }
  }
  results.environment.emplace_back("load_at_end", load_average());
  sampler.stop();
  return results;
}

}  // namespace eventbus::bench
