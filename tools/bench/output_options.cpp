// SPDX-License-Identifier: Apache-2.0
// --out and --env: where the report files go and the notes they record (broker versions,
// storage, git commit: what bench.sh knows and the tool cannot find out).
#include <CLI/CLI.hpp>

#include "option_groups.hpp"

namespace eventbus::bench {

void OutputOptions::add(CLI::App& app, Settings& s) {
  app.add_option("--out", s.out_dir, "directory for report.json, report.md and chart.svg");
  app.add_option("--env", notes, "KEY=VALUE recorded in the report's environment (repeatable)");
}

void OutputOptions::apply(Settings& s) const {
  for (const auto& n : notes) {
    const auto eq = n.find('=');
    s.notes.emplace_back(n.substr(0, eq), eq == std::string::npos ? "" : n.substr(eq + 1));
  }
}

}  // namespace eventbus::bench
