// SPDX-License-Identifier: Apache-2.0
#include "outbox_runs.hpp"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "broker_admin.hpp"
#include "eventbus/eventbus.hpp"
#include "eventbus/outbox/outbox.hpp"
#include "eventbus/outbox/postgres.hpp"
#include "median.hpp"

namespace eventbus::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The application's side of one run's outbox: its own connection, where the rows are added.
class OutboxDatabase {
 public:
  virtual ~OutboxDatabase() = default;
  virtual void exec(const char* sql) = 0;
  virtual outbox::Error add(const std::string& topic, const Envelope& envelope) = 0;
  virtual long long published() = 0;
  virtual std::unique_ptr<outbox::Relay> relay(Bus& bus, const outbox::RelayOptions& o) = 0;
};

class SqliteOutbox final : public OutboxDatabase {
 public:
  explicit SqliteOutbox(const std::string& id) {
    dir_ = std::filesystem::temp_directory_path() / ("eventbus-bench-outbox-" + id);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "app.db").string();
    if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK) throw std::runtime_error(path_);
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA journal_mode = WAL");
    if (outbox::Error error = outbox::migrate(db_)) throw std::runtime_error(error.detail);
  }
  ~SqliteOutbox() override {
    sqlite3_close(db_);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  void exec(const char* sql) override { sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }
  outbox::Error add(const std::string& topic, const Envelope& envelope) override {
    return outbox::add(db_, topic, envelope);
  }
  long long published() override {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db_, "SELECT count(*) FROM eventbus_outbox WHERE state = 'published'", -1,
                       &stmt, nullptr);
    const long long n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return n;
  }
  std::unique_ptr<outbox::Relay> relay(Bus& bus, const outbox::RelayOptions& o) override {
    return std::make_unique<outbox::SqliteRelay>(path_, bus, o);
  }

 private:
  std::filesystem::path dir_;
  std::string path_;
  sqlite3* db_ = nullptr;
};

class PostgresOutbox final : public OutboxDatabase {
 public:
  PostgresOutbox(const std::string& url, const std::string& id) {
    schema_ = "eventbus_bench_" + id;
    for (char& c : schema_)
      if (c == '-' || c == '.') c = '_';
    conninfo_ = url + (url.find('?') == std::string::npos ? "?" : "&") +
                "options=-csearch_path%3D" + schema_;
    admin_ = PQconnectdb(url.c_str());
    if (PQstatus(admin_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(admin_));
    PQclear(PQexec(admin_, "SET client_min_messages = warning"));  // no NOTICE of the DROP
    PQclear(PQexec(admin_, ("CREATE SCHEMA " + schema_).c_str()));
    conn_ = PQconnectdb(conninfo_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
    if (outbox::Error error = outbox::migrate(conn_)) throw std::runtime_error(error.detail);
  }
  ~PostgresOutbox() override {
    PQfinish(conn_);
    PQclear(PQexec(admin_, ("DROP SCHEMA " + schema_ + " CASCADE").c_str()));
    PQfinish(admin_);
  }
  void exec(const char* sql) override { PQclear(PQexec(conn_, sql)); }
  outbox::Error add(const std::string& topic, const Envelope& envelope) override {
    return outbox::add(conn_, topic, envelope);
  }
  long long published() override {
    PGresult* r = PQexec(conn_, "SELECT count(*) FROM eventbus_outbox WHERE state = 'published'");
    const long long n = PQntuples(r) == 1 ? std::stoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return n;
  }
  std::unique_ptr<outbox::Relay> relay(Bus& bus, const outbox::RelayOptions& o) override {
    return std::make_unique<outbox::PostgresRelay>(conninfo_, bus, o);
  }

 private:
  std::string schema_, conninfo_;
  PGconn* admin_ = nullptr;
  PGconn* conn_ = nullptr;
};

struct OutboxRun {
  double relay_per_second = 0;
  double add_microseconds = 0;  // per event, in transactions of 100
  std::string error;
};

OutboxRun run_once(const Settings& s, const std::string& transport, std::uint64_t events,
                   const std::string& id) {
  OutboxRun run;
  std::unique_ptr<OutboxDatabase> db;
  if (s.outbox.store == "sqlite") {
    db = std::make_unique<SqliteOutbox>(id);
  } else {
    db = std::make_unique<PostgresOutbox>(s.outbox.postgres_url, id);
  }
  const std::string topic = "bench-outbox-" + id;
  const std::string payload = R"({"amount":1999,"currency":"EUR","note":"outbox benchmark"})";
  const auto add_started = Clock::now();
  for (std::uint64_t i = 0; i < events; ++i) {
    if (i % 100 == 0) db->exec("BEGIN");
    const std::uint64_t aggregate = i % s.outbox.aggregates;
    const auto version = static_cast<std::int64_t>(i / s.outbox.aggregates + 1);
    if (outbox::Error error = db->add(topic, make_envelope("order-" + std::to_string(aggregate),
                                                           "OrderChanged", version, payload))) {
      run.error = "add: " + error.detail;
      return run;
    }
    if (i % 100 == 99 || i + 1 == events) db->exec("COMMIT");
  }
  run.add_microseconds =
      std::chrono::duration<double, std::micro>(Clock::now() - add_started).count() /
      static_cast<double>(events);

  BusOptions options = s.base_options;
  options.transport = transport;
  options.client_name = "eventbus-bench";
  options.memory.broker = "bench-" + id;
  if (!s.nats_url.empty()) options.nats.servers = {s.nats_url};
  if (!s.kafka_brokers.empty()) options.kafka.brokers = s.kafka_brokers;
  options.topics.emplace(topic, options.default_topic).first->second.stream =
      nats_stream_name(topic);
  Bus bus(options);
  outbox::RelayOptions relay_options;
  relay_options.batch_size = s.outbox.batch_size;
  const auto started = Clock::now();
  std::unique_ptr<outbox::Relay> relay = db->relay(bus, relay_options);
  // Measuring, not synchronising: the relay's counter is read every millisecond until it holds
  // every event, or nothing moved for --idle-timeout.
  std::uint64_t last = 0;
  auto last_moved = Clock::now();
  while (relay->stats().published < events) {
    const std::uint64_t now = relay->stats().published;
    if (now != last) {
      last = now;
      last_moved = Clock::now();
    } else if (Clock::now() - last_moved > s.idle_timeout) {
      run.error = "relay stalled at " + std::to_string(now) + " of " + std::to_string(events) +
                  ": " + relay->last_error().detail;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  relay->close(std::chrono::seconds(5));
  bus.close(std::chrono::seconds(10));
  delete_topics(s, transport, {topic});
  if (!run.error.empty()) return run;
  if (db->published() != static_cast<long long>(events)) {
    run.error =
        std::to_string(db->published()) + " rows marked published of " + std::to_string(events);
    return run;
  }
  run.relay_per_second = static_cast<double>(events) / seconds;
  return run;
}

}  // namespace

int run_outbox_levels(const Settings& s, const std::string& run_id) {
  int failures = 0;
  std::printf("outbox relay (%s), %zu aggregates, batch %zu, median of %zu\n",
              s.outbox.store.c_str(), s.outbox.aggregates, s.outbox.batch_size, s.repeats);
  std::printf("%-9s %8s %14s %14s  %s\n", "transport", "events", "relay ev/s", "add us/ev",
              "relay ev/s per repeat");
  for (const std::string& transport : s.transports) {
    for (const Level& level : s.levels) {
      std::vector<double> relay, add;
      std::string each;
      for (std::size_t r = 0; r < s.repeats; ++r) {
        const std::string id = run_id + "-" + transport + "-" + std::to_string(level.messages) +
                               "-" + std::to_string(r);
        OutboxRun run;
        try {
          run = run_once(s, transport, level.messages, id);
        } catch (const std::exception& e) {  // a database or bus that cannot be opened
          run.error = e.what();
        }
        if (!run.error.empty()) {
          std::fprintf(stderr, "eventbus-bench: outbox %s %s: %s\n", transport.c_str(),
                       level.name.c_str(), run.error.c_str());
          ++failures;
          continue;
        }
        relay.push_back(run.relay_per_second);
        add.push_back(run.add_microseconds);
        each += (each.empty() ? "" : " ") + std::to_string(static_cast<long>(run.relay_per_second));
      }
      std::printf("%-9s %8llu %14.0f %14.1f  %s\n", transport.c_str(),
                  static_cast<unsigned long long>(level.messages), median(relay), median(add),
                  each.c_str());
      std::fflush(stdout);
    }
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace eventbus::bench
