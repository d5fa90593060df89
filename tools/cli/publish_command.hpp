// SPDX-License-Identifier: Apache-2.0
// `eventbus publish TOPIC`: envelopes built from flags (or --raw bytes), --count of them at
// --rate per second, each result printed as it comes back from the broker.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "connection_options.hpp"

namespace eventbus::cli {

class PublishCommand {
 public:
  // Adds the subcommand to `app`.
  void add_to(CLI::App& app);
  bool chosen() const { return command_ != nullptr && command_->parsed(); }
  // 0 when every publish was acked, 1 when one failed or no bus could be made, 2 for bad input.
  int run();

 private:
  CLI::App* command_ = nullptr;
  ConnectionOptions connection_;
  std::string topic_;
  std::string aggregate_;
  std::string type_;
  std::int64_t version_ = 1;
  std::string payload_ = "{}";
  bool raw_ = false;
  std::string key_;
  std::vector<std::string> headers_;
  std::int64_t count_ = 1;
  double rate_ = 0;
  std::chrono::milliseconds timeout_{30000};
};

}  // namespace eventbus::cli
