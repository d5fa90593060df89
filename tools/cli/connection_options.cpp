// SPDX-License-Identifier: Apache-2.0
#include "connection_options.hpp"

#include <algorithm>
#include <cstdio>
#include <system_error>

#include "eventbus/error.hpp"
#include "exit_status.hpp"

namespace eventbus::cli {

void ConnectionOptions::add_to(CLI::App& command) {
  command.add_option("--config", config_file, "YAML configuration file (docs/configuration.md)")
      ->check(CLI::ExistingFile);
  command.add_option("--config-section", config_section,
                     "the eventbus section inside the file, e.g. eventbus or app.eventbus "
                     "(default: the file's root)");
  command.add_option("--transport", transport, "memory, nats or kafka (over the file)")
      ->check(CLI::IsMember({"memory", "nats", "kafka"}));
  command.add_option("--brokers", brokers, "Kafka bootstrap servers, host:port[,...]");
  command.add_option("--nats-url", nats_url, "NATS server URL, nats://host:port");
  command.add_flag("--verbose,-v", verbose,
                   "show the library's log (warnings and info) on standard error; without it "
                   "only its errors, the command saying what failed");
}

BusOptions ConnectionOptions::resolve(const Environment& env) const {
  Config config;
  if (config_file.empty()) {
    config = parse_config("", "<environment>", env);  // defaults, then EVENTBUS_* variables
  } else if (config_section.empty()) {
    config = load_config_file(config_file, env);
  } else {
    config = load_config_section(config_file, config_section, env);
  }
  BusOptions options = config.bus;
  if (!transport.empty()) options.transport = transport;
  if (!brokers.empty()) options.kafka.brokers = brokers;
  if (!nats_url.empty()) options.nats.servers = {nats_url};
  // The command reports what failed in its own words; the library's running commentary
  // (connecting, topics created, a client's retries) is for --verbose.
  if (!verbose) options.log.level = std::max(options.log.level, LogLevel::error);
  return options;
}

std::unique_ptr<Bus> ConnectionOptions::open(int& status) const {
  BusOptions options;
  try {
    options = resolve(process_environment());
  } catch (const std::system_error& e) {
    status = usage_error(e.what());
    return nullptr;
  }
  try {
    return std::make_unique<Bus>(std::move(options));
  } catch (const std::system_error& e) {  // no broker in time, or options the bus refused
    std::fprintf(stderr, "eventbus: %s\n", e.what());
    status =
        e.code() == errc::invalid_option || e.code() == errc::unknown_transport ? kUsage : kFailure;
    return nullptr;
  }
}

}  // namespace eventbus::cli
