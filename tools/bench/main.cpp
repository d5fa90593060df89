// SPDX-License-Identifier: Apache-2.0
// eventbus-bench: the pressure-level comparison of the bus over Kafka, NATS JetStream and the
// in-process transport, with raw nats.c / librdkafka baselines in the same process.
//
//   eventbus-bench --levels standard --transports kafka,nats,memory
//       --nats-url nats://127.0.0.1:4222 --kafka-brokers 127.0.0.1:9092 --out DIR
//
// Prints the report table, writes report.json, report.md and chart.svg into --out, and exits 1
// when a message was lost or reordered or a thread leaked (2 on bad arguments).
//
//   eventbus-bench --soak 10m --rate 2000 --transports nats --nats-url ... --out DIR
//
// instead publishes at a fixed rate for that long per transport and judges memory, threads,
// loss and order over time (soak_main.hpp); DIR/<transport>.json per run.
//
//   eventbus-bench --outbox sqlite|postgres --transports nats ...
//   eventbus-bench --inbox
//
// instead measure the outbox relay per level, or the inbox's cost per message
// (outbox_runs.hpp, inbox_runs.hpp).
//
// The options are in command_line.hpp (one group per file), the runs in level_runs.hpp and
// soak_main.hpp, the reports in reports.hpp and report_files.hpp.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "command_line.hpp"
#include "inbox_runs.hpp"
#include "level_runs.hpp"
#include "outbox_runs.hpp"
#include "report_files.hpp"
#include "reports.hpp"
#include "run_id.hpp"
#include "soak_main.hpp"

namespace eb = eventbus::bench;

int main(int argc, char** argv) {
  CLI::App app{"eventbus-bench: Kafka vs NATS vs memory under four pressure levels"};
  eb::CommandLine command_line(app);
  CLI11_PARSE(app, argc, argv);
  if (const std::string error = command_line.apply(); !error.empty()) {
    std::fprintf(stderr, "eventbus-bench: %s\n", error.c_str());
    return 2;
  }
  const eb::Settings& settings = command_line.settings();
  if (settings.soak.enabled()) return eb::run_soaks(settings, eb::next_run_id());
#if EVENTBUS_BENCH_OUTBOX
  if (settings.outbox.inbox) return eb::run_inbox_levels(settings, eb::next_run_id());
  if (!settings.outbox.store.empty()) return eb::run_outbox_levels(settings, eb::next_run_id());
#else
  if (!settings.outbox.store.empty() || settings.outbox.inbox) {
    std::fprintf(stderr,
                 "eventbus-bench: --outbox: this build has no eventbus::outbox with "
                 "PostgreSQL (SQLite and libpq are needed)\n");
    return 2;
  }
#endif

  const eb::Results results = eb::run_levels(settings);
  std::fputs(eb::terminal_report(results).c_str(), stdout);
  if (!settings.out_dir.empty() && !eb::write_report_files(results, settings.out_dir)) return 1;
  return results.failures().empty() ? 0 : 1;
}
