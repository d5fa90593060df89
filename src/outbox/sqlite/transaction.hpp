// SPDX-License-Identifier: Apache-2.0
// A write transaction on a connection: BEGIN IMMEDIATE when the connection has none open (so a
// writer waits for the lock up front instead of failing to upgrade later), else a savepoint
// inside the caller's. Rolled back on destruction unless committed.
#pragma once

#include <sqlite3.h>

#include "eventbus/outbox/error.hpp"

namespace eventbus::outbox::sqlite {

class Transaction {
 public:
  explicit Transaction(sqlite3* db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  const Error& error() const { return error_; }
  Error commit();

 private:
  sqlite3* db_;
  bool nested_;
  bool open_ = false;
  Error error_;
};

}  // namespace eventbus::outbox::sqlite
