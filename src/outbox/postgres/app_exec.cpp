// SPDX-License-Identifier: Apache-2.0
#include "outbox/postgres/app_exec.hpp"

#include <vector>

#include "eventbus/error.hpp"

namespace eventbus::outbox::postgres {

Error check_app_connection(PGconn* conn) {
  const auto invalid = [](std::string detail) {
    return Error{eventbus::make_error_code(eventbus::errc::invalid_option), std::move(detail)};
  };
  if (conn == nullptr) return invalid("conn is null");
  if (PQstatus(conn) != CONNECTION_OK) return invalid("conn is not connected");
  if (PQtransactionStatus(conn) == PQTRANS_INERROR) {
    return invalid("conn's transaction failed earlier; roll it back first");
  }
  if (PQtransactionStatus(conn) == PQTRANS_ACTIVE) {
    return invalid("conn is busy with another command");
  }
  return {};
}

Exec app_exec(PGconn* conn) {
  return [conn](std::string_view what, const char* sql, const std::vector<Param>& params,
                Result& out) -> Error {
    if (params.empty()) {
      out = Result(PQexec(conn, sql));
    } else {
      const ParamArrays arrays(params);
      out = Result(PQexecParams(conn, sql, static_cast<int>(params.size()), nullptr,
                                arrays.values.data(), arrays.lengths.data(), arrays.formats.data(),
                                1));
    }
    if (out.get() == nullptr) {
      return {make_error_code(errc::database_error),
              std::string(what) + ": " + connection_message(conn)};
    }
    const ExecStatusType status = PQresultStatus(out.get());
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      return result_error(out.get(), what);
    }
    return {};
  };
}

}  // namespace eventbus::outbox::postgres
