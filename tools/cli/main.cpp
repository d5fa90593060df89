// SPDX-License-Identifier: Apache-2.0
// `eventbus`: the command line over the library (docs/cli.md). Each subcommand is a class of
// its own that adds its options and runs.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "dlq_command.hpp"
#include "eventbus/version.hpp"
#include "exit_status.hpp"
#include "health_command.hpp"
#include "lag_command.hpp"
#include "publish_command.hpp"
#include "tail_command.hpp"
#include "topics_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"eventbus: publish and inspect domain events on Kafka, NATS JetStream or memory",
               "eventbus"};
  app.set_version_flag("--version", std::string(eventbus::version()));
  app.require_subcommand(0, 1);  // none: said below, so that an unknown word is named instead
  eventbus::cli::PublishCommand publish;
  publish.add_to(app);
  eventbus::cli::TailCommand tail;
  tail.add_to(app);
  eventbus::cli::DlqCommand dlq;
  dlq.add_to(app);
  eventbus::cli::HealthCommand health;
  health.add_to(app);
  eventbus::cli::TopicsCommand topics;
  topics.add_to(app);
  eventbus::cli::LagCommand lag;
  lag.add_to(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, the version or what is wrong
    return code == 0 ? eventbus::cli::kOk : eventbus::cli::kUsage;
  }
  if (publish.chosen()) return publish.run();
  if (tail.chosen()) return tail.run();
  if (dlq.chosen()) return dlq.run();
  if (health.chosen()) return health.run();
  if (topics.chosen()) return topics.run();
  if (lag.chosen()) return lag.run();
  return eventbus::cli::usage_error(
      "a command is required: publish, tail, dlq, health, topics or lag (eventbus --help)");
}
