// SPDX-License-Identifier: Apache-2.0
#include "eventbus/outbox/config.hpp"

#include <system_error>

#include "eventbus/error.hpp"
#include "eventbus/outbox/sqlite_relay.hpp"
#if EVENTBUS_OUTBOX_POSTGRES
#include "eventbus/outbox/postgres.hpp"
#endif

namespace eventbus::outbox {

RelayOptions relay_options(const OutboxConfig& config, LogHandler log) {
  RelayOptions options;
  options.batch_size = config.batch_size;
  options.poll_interval = config.poll_interval;
  options.max_attempts = config.max_attempts;
  options.initial_backoff = config.initial_backoff;
  options.max_backoff = config.max_backoff;
  options.busy_timeout = config.busy_timeout;
  options.database_timeout = config.database_timeout;
  options.log = std::move(log);
  return options;
}

InboxOptions inbox_options(const InboxConfig& config, LogHandler log) {
  InboxOptions options;
  options.group = config.group;
  options.lease = config.lease;
  options.max_attempts = config.max_attempts;
  options.busy_timeout = config.busy_timeout;
  options.database_timeout = config.database_timeout;
  options.log = std::move(log);
  return options;
}

std::unique_ptr<Relay> start_relay(const OutboxConfig& config, Bus& bus, LogHandler log) {
  const auto invalid = [](const std::string& detail) {
    return std::system_error(eventbus::make_error_code(eventbus::errc::invalid_option), detail);
  };
  if (config.store == "sqlite") {
    return std::make_unique<SqliteRelay>(config.path, bus, relay_options(config, std::move(log)));
  }
  if (config.store == "postgres") {
#if EVENTBUS_OUTBOX_POSTGRES
    return std::make_unique<PostgresRelay>(config.url, bus, relay_options(config, std::move(log)));
#else
    throw invalid("outbox.store: postgres, but this eventbus::outbox was built without libpq");
#endif
  }
  throw invalid("outbox.store: no store configured (sqlite or postgres)");
}

}  // namespace eventbus::outbox
