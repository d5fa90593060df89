// SPDX-License-Identifier: Apache-2.0
// One outbox store conformance suite for both databases: a test written against
// OutboxDatabase runs on SQLite (a file per test) and on PostgreSQL (a schema per test on the
// fixture's server), adding rows through the application's connection and starting relays of
// the matching kind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "eventbus/outbox/outbox.hpp"
#include "outbox/outbox_test.hpp"
#ifdef EVENTBUS_TEST_POSTGRES
#include "eventbus/outbox/postgres.hpp"
#include "outbox/postgres_database.hpp"
#endif

namespace eventbus::testing {

class OutboxDatabase {
 public:
  virtual ~OutboxDatabase() = default;
  virtual outbox::Error migrate() = 0;
  virtual outbox::Error add(const std::string& topic, const Envelope& envelope) = 0;
  virtual outbox::Error add(const std::string& topic, const Envelope& envelope,
                            const Headers& headers) = 0;
  // SQL on the application's connection (BEGIN, COMMIT, ROLLBACK, queries): failures fail the
  // test.
  virtual void exec(const std::string& sql) = 0;
  virtual std::int64_t integer(const std::string& sql) = 0;
  virtual std::string text(const std::string& sql) = 0;
  // Starts a relay of this database's kind (throws as its constructor does).
  virtual std::unique_ptr<outbox::Relay> relay(Bus& bus, const outbox::RelayOptions& options) = 0;

  std::int64_t count_in_state(const std::string& state) {
    return integer("SELECT count(*) FROM eventbus_outbox WHERE state = '" + state + "'");
  }
};

class SqliteDatabase final : public OutboxDatabase {
 public:
  outbox::Error migrate() override { return outbox::migrate(db_.get()); }
  outbox::Error add(const std::string& topic, const Envelope& envelope) override {
    return outbox::add(db_.get(), topic, envelope);
  }
  outbox::Error add(const std::string& topic, const Envelope& envelope,
                    const Headers& headers) override {
    return outbox::add(db_.get(), topic, envelope, headers);
  }
  void exec(const std::string& sql) override { db_.exec(sql); }
  std::int64_t integer(const std::string& sql) override { return db_.integer(sql); }
  std::string text(const std::string& sql) override { return db_.text(sql); }
  std::unique_ptr<outbox::Relay> relay(Bus& bus, const outbox::RelayOptions& options) override {
    return std::make_unique<outbox::SqliteRelay>(path_, bus, options);
  }

 private:
  TempDir dir_;
  std::string path_ = dir_.file("app.db");
  AppDatabase db_{path_};
};

#ifdef EVENTBUS_TEST_POSTGRES
class PostgresDatabase final : public OutboxDatabase {
 public:
  explicit PostgresDatabase(const std::string& url = shared_postgres_url()) : db_(url) {}
  outbox::Error migrate() override { return outbox::migrate(db_.get()); }
  outbox::Error add(const std::string& topic, const Envelope& envelope) override {
    return outbox::add(db_.get(), topic, envelope);
  }
  outbox::Error add(const std::string& topic, const Envelope& envelope,
                    const Headers& headers) override {
    return outbox::add(db_.get(), topic, envelope, headers);
  }
  void exec(const std::string& sql) override { db_.exec(sql); }
  std::int64_t integer(const std::string& sql) override { return db_.integer(sql); }
  std::string text(const std::string& sql) override { return db_.text(sql); }
  std::unique_ptr<outbox::Relay> relay(Bus& bus, const outbox::RelayOptions& options) override {
    return std::make_unique<outbox::PostgresRelay>(db_.conninfo(), bus, options);
  }
  PgAppDatabase& app() { return db_; }

 private:
  PgAppDatabase db_;
};
#endif

// "sqlite" or "postgres": the suites' parameter.
inline std::unique_ptr<OutboxDatabase> make_database(const std::string& kind) {
#ifdef EVENTBUS_TEST_POSTGRES
  if (kind == "postgres") return std::make_unique<PostgresDatabase>();
#endif
  if (kind == "sqlite") return std::make_unique<SqliteDatabase>();
  throw std::invalid_argument("no outbox database '" + kind + "' in this build");
}

}  // namespace eventbus::testing
