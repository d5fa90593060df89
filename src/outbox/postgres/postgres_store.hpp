// SPDX-License-Identifier: Apache-2.0
// The relay's store on PostgreSQL. A claim opens a transaction that locks the claimed rows
// (FOR UPDATE SKIP LOCKED) until settle() commits their marks, so several relays, in one
// process or many, share a table without publishing a row twice or an aggregate out of order:
// a relay skips the rows another holds, and a row waits while an earlier row of its aggregate
// is pending, locked or not.
#pragma once

#include <memory>
#include <string>

#include "eventbus/outbox/relay_options.hpp"
#include "outbox/postgres/connection.hpp"
#include "outbox/store.hpp"

namespace eventbus::outbox::postgres {

class PostgresStore final : public Store {
 public:
  // Connects and migrates; the connection is dropped and made again after any error.
  static Error open(const std::string& conninfo, const RelayOptions& options,
                    std::unique_ptr<PostgresStore>& out);

  Error claim(std::int64_t now_ms, std::size_t limit, std::vector<OutboxRow>& rows) override;
  Error settle(const Settlement& settlement) override;

 private:
  PostgresStore(const std::string& conninfo, const RelayOptions& options);
  // Ends a failed transaction so the connection can be used again (or drops it).
  void roll_back();

  Connection connection_;
  bool in_transaction_ = false;
};

}  // namespace eventbus::outbox::postgres
