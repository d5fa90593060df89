// SPDX-License-Identifier: Apache-2.0
#include "outbox/sqlite/transaction.hpp"

#include "outbox/sqlite/statement.hpp"

namespace eventbus::outbox::sqlite {

Transaction::Transaction(sqlite3* db) : db_(db), nested_(sqlite3_get_autocommit(db) == 0) {
  error_ =
      exec(db, nested_ ? "SAVEPOINT eventbus_outbox" : "BEGIN IMMEDIATE", "starting a transaction");
  open_ = !error_;
}

Transaction::~Transaction() {
  if (!open_) return;
  if (nested_) {
    sqlite3_exec(db_, "ROLLBACK TO eventbus_outbox; RELEASE eventbus_outbox", nullptr, nullptr,
                 nullptr);
  } else {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Error Transaction::commit() {
  if (!open_) return error_;
  Error error = exec(db_, nested_ ? "RELEASE eventbus_outbox" : "COMMIT", "committing");
  if (!error) open_ = false;
  return error;
}

}  // namespace eventbus::outbox::sqlite
