// SPDX-License-Identifier: Apache-2.0
// --outbox and its knobs.
#include <CLI/CLI.hpp>
#include <cstdlib>

#include "option_groups.hpp"

namespace eventbus::bench {

void OutboxOptions::add(CLI::App& app, Settings& s) {
  app.add_option("--outbox", s.outbox.store,
                 "measure the outbox relay instead: rows added in transactions, then relayed "
                 "to each transport (sqlite or postgres)")
      ->check(CLI::IsMember({"sqlite", "postgres"}));
  app.add_option("--postgres-url", s.outbox.postgres_url,
                 "--outbox postgres: the server (default $EVENTBUS_POSTGRES_URL)");
  app.add_option("--outbox-aggregates", s.outbox.aggregates,
                 "--outbox: aggregates the level's events are spread over")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_flag("--inbox", s.outbox.inbox,
               "measure the inbox (SQLite) instead: a handler's transaction with and without "
               "it, per message, interleaved; no broker");
  app.add_option("--outbox-batch", s.outbox.batch_size, "--outbox: the relay's batch_size")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
}

std::string OutboxOptions::apply(Settings& s) const {
  if (s.outbox.store != "postgres") return "";
  if (s.outbox.postgres_url.empty()) {
    if (const char* url = std::getenv("EVENTBUS_POSTGRES_URL"); url != nullptr) {
      s.outbox.postgres_url = url;
    }
  }
  if (s.outbox.postgres_url.empty()) {
    return "--outbox postgres needs --postgres-url or $EVENTBUS_POSTGRES_URL "
           "(scripts/postgres.sh start prints a server's)";
  }
  return "";
}

}  // namespace eventbus::bench
