// SPDX-License-Identifier: Apache-2.0
// SqliteRelay: the SQLite store under the generic relay engine.
#include "eventbus/outbox/sqlite_relay.hpp"

#include <system_error>
#include <utility>

#include "outbox/relay/relay_engine.hpp"
#include "outbox/sqlite/sqlite_store.hpp"

namespace eventbus::outbox {

class SqliteRelay::Impl {
 public:
  Impl(std::unique_ptr<Store> store, Bus& bus, RelayOptions options)
      : engine(std::move(store), bus, std::move(options)) {}
  RelayEngine engine;
};

namespace {

std::unique_ptr<Store> open_store(const std::string& path, const RelayOptions& options) {
  if (Error error = validate(options)) throw std::system_error(error.code, error.detail);
  std::unique_ptr<sqlite::SqliteStore> store;
  if (Error error = sqlite::SqliteStore::open(path, options.busy_timeout, store)) {
    throw std::system_error(error.code, error.detail);
  }
  return store;
}

}  // namespace

SqliteRelay::SqliteRelay(const std::string& path, Bus& bus, RelayOptions options)
    : impl_(std::make_unique<Impl>(open_store(path, options), bus, std::move(options))) {}

SqliteRelay::~SqliteRelay() {
  impl_->engine.close(milliseconds(5000));
}

void SqliteRelay::notify() {
  impl_->engine.notify();
}

Error SqliteRelay::close(milliseconds timeout) {
  return impl_->engine.close(timeout);
}

RelayStats SqliteRelay::stats() const {
  return impl_->engine.stats();
}

Error SqliteRelay::last_error() const {
  return impl_->engine.last_error();
}

}  // namespace eventbus::outbox
