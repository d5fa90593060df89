// SPDX-License-Identifier: Apache-2.0
// eventbus-bench's command line: its option groups (option_groups.hpp) registered on the app
// in --help order, and after parsing turned into the invocation's Settings.
#pragma once

#include <string>

#include "option_groups.hpp"
#include "settings.hpp"

namespace eventbus::bench {

class CommandLine {
 public:
  explicit CommandLine(CLI::App& app);
  CommandLine(const CommandLine&) = delete;  // the app holds pointers into this object
  CommandLine& operator=(const CommandLine&) = delete;

  // After the app parsed the arguments: completes the settings; returns what is wrong with the
  // arguments ("" when nothing), which makes the exit status 2.
  std::string apply();
  const Settings& settings() const noexcept { return settings_; }

 private:
  Settings settings_;  // the defaults, overwritten by the options bound to its fields
  WorkloadOptions workload_;
  BrokerOptions brokers_;
  OutputOptions output_;
  WatchOptions watch_;
  SoakOptions soak_;
  OutboxOptions outbox_;
  ConfigFileOption config_;
};

}  // namespace eventbus::bench
