// SPDX-License-Identifier: Apache-2.0
#include "health_command.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "eventbus/version.hpp"
#include "exit_status.hpp"

namespace eventbus::cli {

void HealthCommand::add_to(CLI::App& app) {
  command_ = app.add_subcommand("health",
                                "Connect as configured and print the bus's health report as JSON");
  connection_.add_to(*command_);
}

int HealthCommand::run() {
  int status = kOk;
  const std::unique_ptr<Bus> bus = connection_.open(status);
  if (!bus) return status;
  const Health health = bus->health();
  bus->close(std::chrono::milliseconds(5000));
  nlohmann::ordered_json built = nlohmann::ordered_json::array();
  for (std::string_view name : built_transports())
    built.push_back(std::string(name));
  const nlohmann::ordered_json report{{"transport", health.transport},
                                      {"connected", health.connected},
                                      {"healthy", health.healthy()},
                                      {"reconnects", health.reconnects},
                                      {"publish_in_flight", health.publish_in_flight},
                                      {"transports_built", std::move(built)},
                                      {"version", std::string(version())}};
  std::printf("%s\n", report.dump(2).c_str());
  return health.connected ? kOk : kFailure;
}

}  // namespace eventbus::cli
