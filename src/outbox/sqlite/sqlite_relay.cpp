// SPDX-License-Identifier: Apache-2.0
// SqliteRelay: the SQLite store under the relay engine.
#include "eventbus/outbox/sqlite_relay.hpp"

#include <system_error>
#include <utility>

#include "outbox/relay/relay_impl.hpp"
#include "outbox/sqlite/sqlite_store.hpp"

namespace eventbus::outbox {
namespace {

std::unique_ptr<Relay::Impl> start(const std::string& path, Bus& bus, RelayOptions options) {
  if (Error error = validate(options)) throw std::system_error(error.code, error.detail);
  std::unique_ptr<sqlite::SqliteStore> store;
  if (Error error = sqlite::SqliteStore::open(path, options.busy_timeout, store)) {
    throw std::system_error(error.code, error.detail);
  }
  return std::make_unique<Relay::Impl>(std::move(store), bus, std::move(options));
}

}  // namespace

SqliteRelay::SqliteRelay(const std::string& path, Bus& bus, RelayOptions options)
    : Relay(start(path, bus, std::move(options))) {}

}  // namespace eventbus::outbox
