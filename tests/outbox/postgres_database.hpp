// SPDX-License-Identifier: Apache-2.0
// The application's own PostgreSQL connection, as a service would open it, in a schema of the
// test's own (search_path in the connection string, for the relay too) on the CTest fixture's
// server or a test's own (support/broker_process.hpp).
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include "support/broker_env.hpp"

namespace eventbus::testing {

// The fixture's server (scripts/postgres.sh through scripts/ctest-broker.sh).
inline std::string shared_postgres_url() {
  return broker_setting("EVENTBUS_POSTGRES_URL", "EVENTBUS_POSTGRES_STATE");
}

class PgAppDatabase {
 public:
  // Connects to `url`, creates a fresh schema and from then on works in it; conninfo() is the
  // same connection string with that search_path, for a relay.
  explicit PgAppDatabase(const std::string& url) {
    thread_local std::mt19937_64 random{std::random_device{}()};
    schema_ = "outbox_test_" + std::to_string(random() % 1000000000000ULL);
    conninfo_ = url + (url.find('?') == std::string::npos ? "?" : "&") +
                "options=-csearch_path%3D" + schema_;
    {
      PGconn* admin = PQconnectdb(url.c_str());
      const bool ok = PQstatus(admin) == CONNECTION_OK;
      const std::string message = PQerrorMessage(admin);
      if (ok) PQclear(PQexec(admin, ("CREATE SCHEMA " + schema_).c_str()));
      PQfinish(admin);
      if (!ok) throw std::runtime_error("cannot connect to " + url + ": " + message);
    }
    conn_ = PQconnectdb(conninfo_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      throw std::runtime_error("cannot connect to " + conninfo_ + ": " + PQerrorMessage(conn_));
    }
  }
  ~PgAppDatabase() { PQfinish(conn_); }
  PgAppDatabase(const PgAppDatabase&) = delete;
  PgAppDatabase& operator=(const PgAppDatabase&) = delete;

  PGconn* get() const { return conn_; }
  // After the server restarted: the same connection string again.
  void reconnect() {
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) ADD_FAILURE() << PQerrorMessage(conn_);
  }
  const std::string& conninfo() const { return conninfo_; }
  const std::string& schema() const { return schema_; }

  // Runs SQL; fails the test with PostgreSQL's message when it fails.
  void exec(const std::string& sql) const {
    PGresult* result = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(result);
    }
    PQclear(result);
  }
  // The first column of the first row (text format): as text, or as an integer (0 when none).
  std::string text(const std::string& sql) const {
    PGresult* result = PQexec(conn_, sql.c_str());
    std::string value;
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(result);
    } else if (PQntuples(result) > 0 && PQgetisnull(result, 0, 0) == 0) {
      value = PQgetvalue(result, 0, 0);
    }
    PQclear(result);
    return value;
  }
  std::int64_t integer(const std::string& sql) const {
    const std::string value = text(sql);
    return value.empty() ? 0 : std::stoll(value);
  }

 private:
  std::string schema_, conninfo_;
  PGconn* conn_ = nullptr;
};

}  // namespace eventbus::testing
