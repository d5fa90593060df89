// SPDX-License-Identifier: Apache-2.0
#include "outbox/postgres/connection.hpp"

#include <poll.h>

#include <algorithm>
#include <cstring>

#include "core/wire/go_json.hpp"

namespace eventbus::outbox::postgres {
namespace {

// How often a wait looks at give_up_at() again: the longest a close() waits past its deadline.
constexpr milliseconds kSlice{50};

std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

Error database_error(std::string detail) {
  return {make_error_code(errc::database_error), std::move(detail)};
}

}  // namespace

Param text_param(std::string_view value) {
  Param param;
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t length = detail::utf8_sequence_length(value, i);
    if (length == 0 || value[i] == '\0') {
      param.value += '?';
      ++i;
    } else {
      param.value.append(value.substr(i, length));
      i += length;
    }
  }
  return param;
}

std::string connection_message(const PGconn* conn) {
  if (conn == nullptr) return "out of memory";
  return one_line(PQerrorMessage(conn));
}

Error result_error(const PGresult* result, std::string_view what) {
  std::string message = result == nullptr ? "no result" : one_line(PQresultErrorMessage(result));
  const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  Error error = database_error(std::string(what) + ": " + message);
  if (state != nullptr && std::strcmp(state, "42P01") == 0 &&
      message.find("eventbus_") != std::string::npos) {
    error.code = make_error_code(errc::not_migrated);
    error.detail += " (run outbox::migrate() first)";
  }
  return error;
}

Connection::Connection(std::string conninfo, milliseconds call_timeout, milliseconds lock_timeout,
                       std::function<Clock::time_point()> give_up_at)
    : conninfo_(std::move(conninfo)),
      call_timeout_(call_timeout),
      lock_timeout_(lock_timeout),
      give_up_at_(std::move(give_up_at)) {}

Connection::~Connection() {
  drop();
}

void Connection::drop() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

Clock::time_point Connection::deadline_from_now() const {
  return std::min(Clock::now() + call_timeout_, give_up_at_());
}

bool Connection::wait(bool for_write, Clock::time_point deadline) const {
  for (;;) {
    const Clock::time_point now = Clock::now();
    const Clock::time_point until = std::min(deadline, give_up_at_());
    if (now >= until) return false;
    const auto left = std::chrono::duration_cast<milliseconds>(until - now) + milliseconds(1);
    pollfd fd{PQsocket(conn_), static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    const int ready = ::poll(&fd, 1, static_cast<int>(std::min(left, kSlice).count()));
    if (ready != 0) return true;  // ready, or an error libpq will report on its next call
  }
}

Error Connection::lost(std::string_view what, const std::string& why) {
  drop();
  return database_error(std::string(what) + ": " + why + " (connection dropped)");
}

Error Connection::connect() {
  if (conn_ != nullptr) return {};
  const Clock::time_point deadline = deadline_from_now();
  // fallback_application_name: the relay's sessions are named in pg_stat_activity unless the
  // connection string names them itself.
  const char* const keywords[] = {"dbname", "fallback_application_name", nullptr};
  const char* const values[] = {conninfo_.c_str(), "eventbus-outbox-relay", nullptr};
  conn_ = PQconnectStartParams(keywords, values, 1);
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) {
    return lost("connecting to PostgreSQL", connection_message(conn_));
  }
  // libpq's state machine: wait for what it asks, until it says OK or FAILED.
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) {
      return lost("connecting to PostgreSQL", connection_message(conn_));
    }
    if (!wait(status == PGRES_POLLING_WRITING, deadline)) {
      return lost("connecting to PostgreSQL",
                  "no answer within " + std::to_string(call_timeout_.count()) + " ms");
    }
    status = PQconnectPoll(conn_);
  }
  if (PQsetnonblocking(conn_, 1) != 0) {
    return lost("connecting to PostgreSQL", connection_message(conn_));
  }
  // The server ends a statement or a lock wait that outlasts ours, so nothing it holds for us
  // stays held after we gave up.
  const std::string settings =
      "SET statement_timeout = " + std::to_string(call_timeout_.count()) +
      "; SET lock_timeout = " + std::to_string(std::max<long>(lock_timeout_.count(), 1));
  return exec("setting the session's timeouts", settings.c_str());
}

Error Connection::exec(std::string_view what, const char* sql) {
  Result ignored;
  return exec(what, sql, {}, ignored);
}

Error Connection::exec(std::string_view what, const char* sql, const std::vector<Param>& params,
                       Result& out) {
  out = Result();
  if (Error error = connect()) return error;
  const Clock::time_point deadline = deadline_from_now();
  const ParamArrays arrays(params);
  const int sent = params.empty()
                       ? PQsendQuery(conn_, sql)
                       : PQsendQueryParams(conn_, sql, static_cast<int>(params.size()), nullptr,
                                           arrays.values.data(), arrays.lengths.data(),
                                           arrays.formats.data(), 1);
  if (sent == 0) return lost(what, connection_message(conn_));
  const std::string timed_out = "no answer within " + std::to_string(call_timeout_.count()) + " ms";
  for (;;) {  // flush what libpq could not write at once
    const int flushed = PQflush(conn_);
    if (flushed == 0) break;
    if (flushed < 0) return lost(what, connection_message(conn_));
    if (!wait(true, deadline)) return lost(what, timed_out);
  }
  // Read every result of the statement(s); the first error wins, else the last result.
  Result first_error;
  for (;;) {
    while (PQisBusy(conn_) != 0) {
      if (!wait(false, deadline)) return lost(what, timed_out);
      if (PQconsumeInput(conn_) == 0) return lost(what, connection_message(conn_));
    }
    PGresult* next = PQgetResult(conn_);
    if (next == nullptr) break;
    const ExecStatusType status = PQresultStatus(next);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && first_error.get() == nullptr) {
      first_error = Result(next);
    } else {
      out = Result(next);
    }
  }
  if (first_error.get() != nullptr) {
    Error error = result_error(first_error.get(), what);
    if (PQstatus(conn_) == CONNECTION_BAD) drop();
    return error;
  }
  if (PQstatus(conn_) == CONNECTION_BAD) return lost(what, connection_message(conn_));
  return {};
}

}  // namespace eventbus::outbox::postgres
