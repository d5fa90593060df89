// SPDX-License-Identifier: Apache-2.0
// `eventbus health`: connects as the configuration says and prints the bus's health report
// (eventbus/health.hpp) as JSON: can this service's configuration reach its broker?
#pragma once

#include <CLI/CLI.hpp>

#include "connection_options.hpp"

namespace eventbus::cli {

class HealthCommand {
 public:
  void add_to(CLI::App& app);
  bool chosen() const { return command_ != nullptr && command_->parsed(); }
  // 0 when connected, 1 when not (or no broker answered), 2 for bad input.
  int run();

 private:
  CLI::App* command_ = nullptr;
  ConnectionOptions connection_;
};

}  // namespace eventbus::cli
