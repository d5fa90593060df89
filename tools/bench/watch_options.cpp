// SPDX-License-Identifier: Apache-2.0
// --idle-timeout, --warmup-timeout and --progress: how a run is watched while it goes.
#include <CLI/CLI.hpp>

#include "option_groups.hpp"
#include "progress.hpp"

namespace eventbus::bench {

void WatchOptions::add(CLI::App& app) {
  app.add_option("--idle-timeout", idle_seconds, "seconds without progress before giving up")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--warmup-timeout", warmup_seconds,
                 "seconds for subscriptions to receive their first message")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--progress", progress, "auto (when stderr is a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

void WatchOptions::apply(Settings& s) const {
  s.idle_timeout = std::chrono::seconds(idle_seconds);
  s.warmup_timeout = std::chrono::seconds(warmup_seconds);
  s.progress = progress == "always" || (progress == "auto" && stderr_is_terminal());
}

}  // namespace eventbus::bench
