// SPDX-License-Identifier: Apache-2.0
// add() on PostgreSQL: one INSERT on the application's connection, in its transaction.
#include <libpq-fe.h>

#include "eventbus/outbox/postgres.hpp"
#include "outbox/new_row.hpp"
#include "outbox/postgres/app_exec.hpp"

namespace eventbus::outbox {
namespace {

Error insert(PGconn* conn, std::string_view topic, const Envelope& envelope,
             const Headers* headers) {
  if (Error error = postgres::check_app_connection(conn)) return error;
  NewRow row;
  if (Error error = prepare_row(topic, envelope, headers, row)) return error;
  postgres::Param header_param{row.headers};
  header_param.null = row.headers.empty();
  postgres::Result ignored;
  return postgres::app_exec(conn)(
      "adding to the outbox",
      "INSERT INTO eventbus_outbox (topic, aggregate_id, event_id, payload, headers, tenant_id, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {postgres::Param{std::string(topic)}, postgres::Param{envelope.aggregate_id},
       postgres::Param{envelope.event_id}, postgres::Param{row.payload, true}, header_param,
       postgres::Param{std::to_string(envelope.tenant_id)},
       postgres::Param{std::to_string(row.created_at)}},
      ignored);
}

}  // namespace

Error add(PGconn* conn, std::string_view topic, const Envelope& envelope) {
  return insert(conn, topic, envelope, nullptr);
}

Error add(PGconn* conn, std::string_view topic, const Envelope& envelope, const Headers& headers) {
  return insert(conn, topic, envelope, &headers);
}

}  // namespace eventbus::outbox
