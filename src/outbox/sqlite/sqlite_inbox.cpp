// SPDX-License-Identifier: Apache-2.0
// SqliteInbox: the SQLite store under the inbox engine.
#include <system_error>
#include <utility>

#include "eventbus/outbox/inbox.hpp"
#include "outbox/inbox/inbox_engine.hpp"
#include "outbox/sqlite/sqlite_inbox_store.hpp"

namespace eventbus::outbox {

class SqliteInbox::Impl {
 public:
  Impl(std::unique_ptr<InboxStore> store, InboxOptions options)
      : engine(std::move(store), std::move(options)) {}
  InboxEngine engine;
};

namespace {

std::unique_ptr<InboxStore> open_store(const std::string& path, const InboxOptions& options) {
  if (Error error = validate(options)) throw std::system_error(error.code, error.detail);
  std::unique_ptr<sqlite::SqliteInboxStore> store;
  if (Error error = sqlite::SqliteInboxStore::open(path, options.busy_timeout, store)) {
    throw std::system_error(error.code, error.detail);
  }
  return store;
}

}  // namespace

SqliteInbox::SqliteInbox(const std::string& path, InboxOptions options)
    : impl_(std::make_shared<Impl>(open_store(path, options), std::move(options))) {}

SqliteInbox::~SqliteInbox() = default;

EnvelopeHandler SqliteInbox::wrap(SqliteInboxHandler handler) {
  // The wrapper holds the inbox's state: a subscription that outlives the SqliteInbox object
  // still finds its connections.
  return [impl = impl_, handler = std::move(handler)](const Envelope& envelope,
                                                      const Message& message) {
    return impl->engine.deliver(envelope, message, [&](InboxSession& session) {
      return handler(envelope, message, static_cast<sqlite::SqliteInboxSession&>(session).db());
    });
  };
}

InboxStats SqliteInbox::stats() const {
  return impl_->engine.stats();
}

}  // namespace eventbus::outbox
