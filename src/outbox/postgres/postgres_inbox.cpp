// SPDX-License-Identifier: Apache-2.0
// PostgresInbox: the PostgreSQL store under the inbox engine.
#include <system_error>
#include <utility>

#include "eventbus/outbox/postgres.hpp"
#include "outbox/inbox/inbox_engine.hpp"
#include "outbox/postgres/postgres_inbox_store.hpp"

namespace eventbus::outbox {

class PostgresInbox::Impl {
 public:
  Impl(std::unique_ptr<InboxStore> store, InboxOptions options)
      : engine(std::move(store), std::move(options)) {}
  InboxEngine engine;
};

namespace {

std::unique_ptr<InboxStore> open_store(const std::string& conninfo, const InboxOptions& options) {
  if (Error error = validate(options)) throw std::system_error(error.code, error.detail);
  std::unique_ptr<postgres::PostgresInboxStore> store;
  if (Error error = postgres::PostgresInboxStore::open(conninfo, options, store)) {
    throw std::system_error(error.code, error.detail);
  }
  return store;
}

}  // namespace

PostgresInbox::PostgresInbox(const std::string& conninfo, InboxOptions options)
    : impl_(std::make_shared<Impl>(open_store(conninfo, options), std::move(options))) {}

PostgresInbox::~PostgresInbox() = default;

EnvelopeHandler PostgresInbox::wrap(PostgresInboxHandler handler) {
  return [impl = impl_, handler = std::move(handler)](const Envelope& envelope,
                                                      const Message& message) {
    return impl->engine.deliver(envelope, message, [&](InboxSession& session) {
      auto& own = static_cast<postgres::PostgresInboxSession&>(session);
      return handler(envelope, message, own.connection().native());
    });
  };
}

InboxStats PostgresInbox::stats() const {
  return impl_->engine.stats();
}

}  // namespace eventbus::outbox
