// SPDX-License-Identifier: Apache-2.0
// What every command takes to reach the brokers: --config FILE (the eventbus section at the
// root, or --config-section for one inside an application's YAML), the EVENTBUS_* environment,
// then --transport, --brokers and --nats-url over both.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "eventbus/bus.hpp"
#include "eventbus/config.hpp"

namespace eventbus::cli {

struct ConnectionOptions {
  std::string config_file;
  std::string config_section;
  std::string transport;
  std::string brokers;
  std::string nats_url;
  bool verbose = false;

  // Adds the options to `command`.
  void add_to(CLI::App& command);
  // The bus options they give: the file (or defaults) with the environment applied, then the
  // flags. Throws std::system_error (invalid_option) naming the key, as the file loader does.
  BusOptions resolve(const Environment& env) const;
  // A bus with those options, or null with what went wrong said on standard error and
  // `status` set: kUsage for a configuration it refuses, kFailure when no broker answered.
  std::unique_ptr<Bus> open(int& status) const;
};

}  // namespace eventbus::cli
