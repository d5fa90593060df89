// SPDX-License-Identifier: Apache-2.0
// What the inbox needs of a database: sessions (a connection each, one delivery at a time) that
// read and write the inbox row of (group, event id) and run the handler's transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "eventbus/outbox/error.hpp"
#include "outbox/inbox/claim_decision.hpp"

namespace eventbus::outbox {

struct InboxKey {
  std::string group;
  std::string event_id;
  std::string topic;
};

class InboxSession {
 public:
  virtual ~InboxSession() = default;
  // BEGIN (taking the write lock where the database has one) / COMMIT / ROLLBACK. A durable
  // transaction's commit waits for the disk; the others' need not: losing a claim or a failure
  // mark in a power loss only means the next delivery claims afresh.
  virtual Error begin(bool durable) = 0;
  virtual Error commit() = 0;
  virtual void rollback() = 0;
  // Within a transaction: the row, locked against other claims until the transaction ends.
  virtual Error read(const InboxKey& key, std::optional<InboxRow>& row) = 0;
  virtual Error insert(const InboxKey& key, std::int64_t lease_until, std::int64_t now) = 0;
  // Sets state processing, token, lease and attempts where the token is `old_token`.
  virtual Error claim(const InboxKey& key, std::int64_t old_token, std::int64_t lease_until,
                      std::uint32_t attempts) = 0;
  // Sets `state` (done, failed, dead) where the token is `token`; `changed` is false when it
  // was not (taken over).
  virtual Error settle(const InboxKey& key, std::int64_t token, const char* state,
                       const std::string& error, std::int64_t now, bool& changed) = 0;
};

class InboxStore {
 public:
  virtual ~InboxStore() = default;
  // A session for one delivery; released (for another delivery) when the pointer is dropped.
  virtual Error acquire(std::shared_ptr<InboxSession>& session) = 0;
  // True when an open write transaction keeps every other session out (SQLite): then nothing
  // is gained by committing a claim before the handler runs.
  virtual bool claims_lock_out_others() const = 0;
};

}  // namespace eventbus::outbox
