// SPDX-License-Identifier: Apache-2.0
// The relay's own PostgreSQL connection, driven without blocking (libpq's asynchronous calls
// and poll(2)) so that no call waits past its deadline whatever the server does: refuses
// (down), resets (killed) or says nothing (frozen, a network gone quiet). A call that runs out
// of time drops the connection, which ends the server's side of the transaction too; the next
// call connects again.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "eventbus/outbox/error.hpp"
#include "eventbus/outbox/relay_options.hpp"
#include "outbox/postgres/result.hpp"

namespace eventbus::outbox::postgres {

using Clock = std::chrono::steady_clock;

// A statement parameter: text (PostgreSQL parses it as the column's type), bytes for a bytea
// column, or NULL.
struct Param {
  std::string value;
  bool binary = false;
  bool null = false;
};

// A text parameter made of what a text column takes (UTF-8 without NUL): an error message may
// quote a broker's or a payload's bytes, and those that do not fit become '?', so a mark is
// never refused for them (a refused mark would be tried again and again).
Param text_param(std::string_view value);

// `params` as libpq's parallel arrays (PQexecParams, PQsendQueryParams).
struct ParamArrays {
  explicit ParamArrays(const std::vector<Param>& params) {
    for (const Param& p : params) {
      values.push_back(p.null ? nullptr : p.value.data());
      lengths.push_back(static_cast<int>(p.value.size()));
      formats.push_back(p.binary ? 1 : 0);
    }
  }
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
};

// database_error, or not_migrated when the outbox table is missing (SQLSTATE 42P01), with
// "<what>: <PostgreSQL's message>".
Error result_error(const PGresult* result, std::string_view what);
// libpq's message of a connection, on one line.
std::string connection_message(const PGconn* conn);

class Connection {
 public:
  // `conninfo`: a libpq connection string or URI; never put into an error or a log line (it
  // may hold a password). Each call gives up after `call_timeout`, or at `give_up_at()` when
  // that is earlier (read again while waiting: the relay's close moves it).
  Connection(std::string conninfo, milliseconds call_timeout, milliseconds lock_timeout,
             std::function<Clock::time_point()> give_up_at);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects unless connected; sets the session's statement and lock timeouts.
  Error connect();
  // Runs one statement (connecting first when needed); binary results in `out`.
  Error exec(std::string_view what, const char* sql, const std::vector<Param>& params, Result& out);
  Error exec(std::string_view what, const char* sql);
  // Closes the connection (an open transaction rolls back on the server).
  void drop();
  bool connected() const { return conn_ != nullptr; }
  // The libpq connection (null when not connected), for the application's handler.
  PGconn* native() const { return conn_; }

 private:
  Clock::time_point deadline_from_now() const;
  // Waits until the socket is readable (or writable); false when the deadline passed first.
  bool wait(bool for_write, Clock::time_point deadline) const;
  // Drops the connection and says why the call failed.
  Error lost(std::string_view what, const std::string& why);

  const std::string conninfo_;
  const milliseconds call_timeout_;
  const milliseconds lock_timeout_;
  const std::function<Clock::time_point()> give_up_at_;
  PGconn* conn_ = nullptr;
};

}  // namespace eventbus::outbox::postgres
