// SPDX-License-Identifier: Apache-2.0
// `eventbus topics`: what the broker holds, as Bus::topics() reports it: Kafka topics with
// their partitions and messages, NATS streams with their subjects, messages and bytes.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "connection_options.hpp"

namespace eventbus::cli {

class TopicsCommand {
 public:
  void add_to(CLI::App& app);
  bool chosen() const { return command_ != nullptr && command_->parsed(); }
  // 0 when the broker answered, 1 when it did not, 2 for bad input.
  int run();

 private:
  CLI::App* command_ = nullptr;
  ConnectionOptions connection_;
  std::string format_ = "pretty";
  std::chrono::milliseconds timeout_{30000};
};

}  // namespace eventbus::cli
