// SPDX-License-Identifier: Apache-2.0
// --config FILE: the library's own YAML configuration, so a benchmark measures the bus as a
// service would configure it.
#include <CLI/CLI.hpp>
#include <system_error>

#include "eventbus/config.hpp"
#include "option_groups.hpp"

namespace eventbus::bench {

void ConfigFileOption::add(CLI::App& app) {
  app.add_option("--config", path,
                 "YAML configuration file the buses' options start from (the run sets transport, "
                 "group, brokers and topics)");
}

std::string ConfigFileOption::apply(Settings& s, bool max_in_flight_given) const {
  if (path.empty()) return "";
  try {
    s.base_options = eventbus::load_config_file(path).bus;
  } catch (const std::system_error& e) {
    return std::string("--config: ") + e.what();
  }
  if (!max_in_flight_given) s.max_in_flight = s.base_options.publish.max_in_flight;
  return "";
}

}  // namespace eventbus::bench
