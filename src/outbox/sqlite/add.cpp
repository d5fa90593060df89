// SPDX-License-Identifier: Apache-2.0
// add(): one INSERT on the application's connection, in its transaction. Nothing here opens or
// commits a transaction: the row's fate is the caller's.
#include "eventbus/outbox/add.hpp"

#include <sqlite3.h>

#include <chrono>
#include <string>

#include "core/topic_name.hpp"
#include "eventbus/codec.hpp"
#include "eventbus/error.hpp"
#include "outbox/headers_json.hpp"
#include "outbox/sqlite/statement.hpp"

namespace eventbus::outbox {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error insert(sqlite3* db, std::string_view topic, const Envelope& envelope,
             const Headers* headers) {
  if (db == nullptr)
    return {eventbus::make_error_code(eventbus::errc::invalid_option), "db is null"};
  std::string topic_detail;
  if (std::error_code ec = core::validate_topic(topic, &topic_detail)) return {ec, topic_detail};
  std::string bytes;
  if (ValidationError invalid = encode(envelope, bytes)) return {invalid.code, invalid.detail};
  std::string headers_text;
  if (headers != nullptr && !headers->empty()) {
    if (Error error = encode_headers(*headers, headers_text)) return error;
  }
  sqlite::Statement insert(
      db,
      "INSERT INTO eventbus_outbox (topic, aggregate_id, event_id, payload, headers, tenant_id, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  insert.bind_text(1, topic).bind_text(2, envelope.aggregate_id).bind_text(3, envelope.event_id);
  insert.bind_blob(4, bytes).bind(6, envelope.tenant_id).bind(7, now_ms());
  if (headers_text.empty()) {
    insert.bind_null(5);
  } else {
    insert.bind_text(5, headers_text);
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
