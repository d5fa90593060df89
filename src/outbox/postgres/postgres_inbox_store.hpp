// SPDX-License-Identifier: Apache-2.0
// The inbox's store on PostgreSQL: a pool of the inbox's own connections (connection.hpp: each
// call keeps a deadline), one per delivery under way. A claim commits before the handler runs
// (row locks do not keep other consumers out of the table), so leases and fencing tokens do
// the work: another delivery of a claimed event is refused until the lease runs out, and a
// settle whose token was taken over changes nothing.
#pragma once

#include <memory>
#include <string>

#include "eventbus/outbox/inbox.hpp"
#include "outbox/inbox/inbox_store.hpp"
#include "outbox/inbox/session_pool.hpp"
#include "outbox/postgres/connection.hpp"

namespace eventbus::outbox::postgres {

class PostgresInboxSession final : public InboxSession {
 public:
  PostgresInboxSession(const std::string& conninfo, const InboxOptions& options);

  Connection& connection() { return connection_; }
  Error begin(bool durable) override;
  Error commit() override;
  void rollback() override;
  Error read(const InboxKey& key, std::optional<InboxRow>& row) override;
  Error insert(const InboxKey& key, std::int64_t lease_until, std::int64_t now) override;
  Error claim(const InboxKey& key, std::int64_t old_token, std::int64_t lease_until,
              std::uint32_t attempts) override;
  Error settle(const InboxKey& key, std::int64_t token, const char* state, const std::string& error,
               std::int64_t now, bool& changed) override;

 private:
  Connection connection_;
  bool in_transaction_ = false;
};

class PostgresInboxStore final : public InboxStore {
 public:
  // Connects once and migrates. Errors: database_error, schema_too_new.
  static Error open(const std::string& conninfo, const InboxOptions& options,
                    std::unique_ptr<PostgresInboxStore>& out);
  Error acquire(std::shared_ptr<InboxSession>& session) override;
  bool claims_lock_out_others() const override { return false; }

 private:
  PostgresInboxStore(std::string conninfo, InboxOptions options)
      : conninfo_(std::move(conninfo)), options_(std::move(options)) {}

  const std::string conninfo_;
  const InboxOptions options_;
  SessionPool<PostgresInboxSession> pool_;
};

}  // namespace eventbus::outbox::postgres
