// SPDX-License-Identifier: Apache-2.0
// PostgresRelay: the PostgreSQL store under the relay engine.
#include <system_error>
#include <utility>

#include "eventbus/outbox/postgres.hpp"
#include "outbox/postgres/postgres_store.hpp"
#include "outbox/relay/relay_impl.hpp"

namespace eventbus::outbox {
namespace {

std::unique_ptr<Relay::Impl> start(const std::string& conninfo, Bus& bus, RelayOptions options) {
  if (Error error = validate(options)) throw std::system_error(error.code, error.detail);
  std::unique_ptr<postgres::PostgresStore> store;
  if (Error error = postgres::PostgresStore::open(conninfo, options, store)) {
    throw std::system_error(error.code, error.detail);
  }
  return std::make_unique<Relay::Impl>(std::move(store), bus, std::move(options));
}

}  // namespace

PostgresRelay::PostgresRelay(const std::string& conninfo, Bus& bus, RelayOptions options)
    : Relay(start(conninfo, bus, std::move(options))) {}

}  // namespace eventbus::outbox
