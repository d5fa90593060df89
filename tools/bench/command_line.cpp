// SPDX-License-Identifier: Apache-2.0
#include "command_line.hpp"

#include <CLI/CLI.hpp>

namespace eventbus::bench {

CommandLine::CommandLine(CLI::App& app) {
  workload_.add(app, settings_);
  brokers_.add(app, settings_);
  output_.add(app, settings_);
  watch_.add(app);
  soak_.add(app, settings_);
  outbox_.add(app, settings_);
  config_.add(app);
}

// The order is the one complaints are reported in, and each step may rely on the ones before:
// the brokers check needs the transports, the soak's drain replaces the idle timeout.
std::string CommandLine::apply() {
  std::string error = config_.apply(settings_, workload_.max_in_flight->count() > 0);
  if (error.empty()) error = workload_.apply(settings_);
  if (error.empty()) error = brokers_.apply(settings_);
  if (!error.empty()) return error;
  output_.apply(settings_);
  watch_.apply(settings_);
  error = soak_.apply(settings_);
  return error.empty() ? outbox_.apply(settings_) : error;
}

}  // namespace eventbus::bench
