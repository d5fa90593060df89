// SPDX-License-Identifier: Apache-2.0
// add(): one INSERT on the application's connection, in its transaction. Nothing here opens or
// commits a transaction: the row's fate is the caller's.
#include "eventbus/outbox/add.hpp"

#include <sqlite3.h>

#include "eventbus/error.hpp"
#include "outbox/new_row.hpp"
#include "outbox/sqlite/statement.hpp"

namespace eventbus::outbox {
namespace {

Error insert(sqlite3* db, std::string_view topic, const Envelope& envelope,
             const Headers* headers) {
  if (db == nullptr)
    return {eventbus::make_error_code(eventbus::errc::invalid_option), "db is null"};
  NewRow row;
  if (Error error = prepare_row(topic, envelope, headers, row)) return error;
  sqlite::Statement insert(
      db,
      "INSERT INTO eventbus_outbox (topic, aggregate_id, event_id, payload, headers, tenant_id, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert.bind_text(1, topic).bind_text(2, envelope.aggregate_id).bind_text(3, envelope.event_id);
  insert.bind_blob(4, row.payload).bind(6, envelope.tenant_id).bind(7, row.created_at);
  if (row.headers.empty()) {
    insert.bind_null(5);
  } else {
    insert.bind_text(5, row.headers);
  }
  insert.step();
  return insert.error();
}

}  // namespace

Error add(sqlite3* db, std::string_view topic, const Envelope& envelope) {
  return insert(db, topic, envelope, nullptr);
}

Error add(sqlite3* db, std::string_view topic, const Envelope& envelope, const Headers& headers) {
  return insert(db, topic, envelope, &headers);
}

}  // namespace eventbus::outbox
