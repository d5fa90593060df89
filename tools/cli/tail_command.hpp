// SPDX-License-Identifier: Apache-2.0
// `eventbus tail TOPIC`: prints a topic's messages, decoded as envelopes where they are one,
// from the beginning, a time or a group's position, up to the end or following it.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "connection_options.hpp"

namespace eventbus::cli {

class TailCommand {
 public:
  void add_to(CLI::App& app);
  bool chosen() const { return command_ != nullptr && command_->parsed(); }
  // 0 when the read ended (its end, --count, or Ctrl-C), 1 when it failed, 2 for bad input.
  int run();

 private:
  CLI::App* command_ = nullptr;
  ConnectionOptions connection_;
  std::string topic_;
  bool from_beginning_ = false;
  std::string since_;
  std::string group_;
  std::string format_ = "pretty";
  bool follow_ = false;
  std::uint64_t count_ = 0;
  std::chrono::milliseconds timeout_{30000};
};

}  // namespace eventbus::cli
