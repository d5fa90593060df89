// SPDX-License-Identifier: Apache-2.0
// `eventbus lag TOPIC`: how far a consumer group is behind on a topic, as Bus::group_lag()
// reports it: per Kafka partition (committed offset, high watermark, lag) or for the group's
// NATS durable consumer (pending, unacked, lag), and the total.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "connection_options.hpp"

namespace eventbus::cli {

class LagCommand {
 public:
  void add_to(CLI::App& app);
  bool chosen() const { return command_ != nullptr && command_->parsed(); }
  // 0 when the broker answered, 1 when it did not or the topic does not exist, 2 for bad input.
  int run();

 private:
  CLI::App* command_ = nullptr;
  ConnectionOptions connection_;
  std::string topic_;
  std::string group_;
  std::string format_ = "pretty";
  std::chrono::milliseconds timeout_{30000};
};

}  // namespace eventbus::cli
