// SPDX-License-Identifier: Apache-2.0
// `eventbus dlq list TOPIC` and `eventbus dlq replay TOPIC`: the unsettled dead letters of a
// topic, listed or put back on it, selected by error code, aggregate, event and time.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

#include "connection_options.hpp"
#include "eventbus/dead_letters.hpp"

namespace eventbus::cli {

class DlqCommand {
 public:
  void add_to(CLI::App& app);
  bool chosen() const { return command_ != nullptr && command_->parsed(); }
  // 0 when every selected dead letter was listed (or replayed), 1 when it failed part way
  // (what was settled stays settled), 2 for bad input.
  int run();

 private:
  struct Selection {
    ConnectionOptions connection;
    std::string topic;
    std::string error_code, aggregate, event, since, until;
    std::string group = DeadLetterOptions{}.group;
    std::string format = "pretty";
    std::chrono::milliseconds timeout{60000};
  };
  static void add_selection(CLI::App& command, Selection& selection);
  // The options the selection names, or a usage error (`status` set).
  static bool resolve(const Selection& selection, DeadLetterOptions& options, int& status);
  int list();
  int replay();

  CLI::App* command_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* replay_ = nullptr;
  Selection list_selection_, replay_selection_;
  bool dry_run_ = false;
};

}  // namespace eventbus::cli
