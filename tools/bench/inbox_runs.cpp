// SPDX-License-Identifier: Apache-2.0
#include "inbox_runs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "eventbus/eventbus.hpp"
#include "eventbus/outbox/outbox.hpp"
#include "median.hpp"

namespace eventbus::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct InboxRun {
  double plain_us = 0, inbox_us = 0, duplicate_us = 0;
  std::string error;
};

HandlerResult side_effect(const Envelope& e, sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO payments (event_id, amount) VALUES (?1, 1999)", -1, &stmt,
                     nullptr);
  sqlite3_bind_text(stmt, 1, e.event_id.c_str(), -1, SQLITE_TRANSIENT);
  const int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  return rc == SQLITE_DONE ? HandlerResult::ok() : HandlerResult::fail(sqlite3_errmsg(db));
}

double per_event_us(Clock::time_point started, std::size_t events) {
  return std::chrono::duration<double, std::micro>(Clock::now() - started).count() /
         static_cast<double>(events);
}

InboxRun run_once(std::uint64_t events, const std::string& id, bool inbox_first) {
  InboxRun run;
  const auto dir = std::filesystem::temp_directory_path() / ("eventbus-bench-inbox-" + id);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "app.db").string();
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA journal_mode = WAL; CREATE TABLE payments (event_id TEXT, amount INT)",
               nullptr, nullptr, nullptr);
  {
    outbox::InboxOptions options;
    options.group = "bench";
    outbox::SqliteInbox inbox(path, options);
    const EnvelopeHandler handler = inbox.wrap(
        [](const Envelope& e, const Message&, sqlite3* tx) { return side_effect(e, tx); });
    std::vector<Envelope> batch, plain_batch;  // the plain pass writes other events' ids
    batch.reserve(events);
    plain_batch.reserve(events);
    for (std::uint64_t i = 0; i < events; ++i) {
      batch.push_back(make_envelope("payment-" + std::to_string(i % 1000), "Captured",
                                    static_cast<std::int64_t>(i / 1000 + 1), "{}"));
      plain_batch.push_back(make_envelope("payment-" + std::to_string(i % 1000), "Captured",
                                          static_cast<std::int64_t>(i / 1000 + 1), "{}"));
    }
    Message message;
    message.topic = "payments";

    // The handler as it would be without the inbox (its own durable transaction per message),
    // and through it; each pass starts from an empty WAL, and `inbox_first` alternates which
    // goes first over the repeats, so neither always inherits the other's WAL and cache.
    const auto plain_pass = [&] {
      sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
      const auto started = Clock::now();
      for (const Envelope& e : plain_batch) {
        sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        side_effect(e, db);
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
      }
      run.plain_us = per_event_us(started, events);
    };
    const auto inbox_pass = [&] {
      sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
      const auto started = Clock::now();
      for (const Envelope& e : batch) {
        if (const HandlerResult r = handler(e, message); !r) {
          run.error = r.reason;
          break;
        }
      }
      run.inbox_us = per_event_us(started, events);
    };
    if (inbox_first) {
      inbox_pass();
      plain_pass();
    } else {
      plain_pass();
      inbox_pass();
    }

    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
    const auto started = Clock::now();
    for (const Envelope& e : batch)
      handler(e, message);
    run.duplicate_us = per_event_us(started, events);
    if (run.error.empty() && inbox.stats().duplicates != events) {
      run.error = std::to_string(inbox.stats().duplicates) + " duplicates skipped of " +
                  std::to_string(events);
    }
  }
  sqlite3_close(db);
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return run;
}

}  // namespace

int run_inbox_levels(const Settings& s, const std::string& run_id) {
  int failures = 0;
  std::printf("inbox (SQLite), one INSERT per message, median of %zu\n", s.repeats);
  std::printf("%8s %12s %12s %12s %14s\n", "events", "plain us", "inbox us", "cost us",
              "duplicate us");
  for (const Level& level : s.levels) {
    std::vector<double> plain, inbox, duplicate;
    for (std::size_t r = 0; r < s.repeats; ++r) {
      const InboxRun run = run_once(
          level.messages, run_id + "-" + std::to_string(level.messages) + "-" + std::to_string(r),
          r % 2 == 1);
      if (!run.error.empty()) {
        std::fprintf(stderr, "eventbus-bench: inbox %s: %s\n", level.name.c_str(),
                     run.error.c_str());
        ++failures;
        continue;
      }
      plain.push_back(run.plain_us);
      inbox.push_back(run.inbox_us);
      duplicate.push_back(run.duplicate_us);
    }
    std::printf("%8llu %12.1f %12.1f %12.1f %14.1f\n",
                static_cast<unsigned long long>(level.messages), median(plain), median(inbox),
                median(inbox) - median(plain), median(duplicate));
    std::fflush(stdout);
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace eventbus::bench
