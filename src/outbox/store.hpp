// SPDX-License-Identifier: Apache-2.0
// What the relay needs of a database: claim the rows due now, settle them after their acks.
// SQLite (sqlite/sqlite_store.hpp) and PostgreSQL (postgres/postgres_store.hpp, with FOR UPDATE
// SKIP LOCKED in its claim) implement it. The relay's rules (order per aggregate, backoff, dead
// after N attempts) live in the relay and the claim's query, not in the application's code.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eventbus/outbox/error.hpp"

namespace eventbus::outbox {

// A pending row, as the relay publishes it.
struct OutboxRow {
  std::int64_t id = 0;
  std::string topic;
  std::string payload;                 // the encoded envelope, as add() stored it
  std::optional<std::string> headers;  // headers_json.hpp's array, when the row has headers
  std::uint32_t attempts = 0;          // publish attempts that failed before
};

// A row whose publish failed (or that cannot be published): tried again at next_attempt_at,
// or dead.
struct RowFailure {
  std::int64_t id = 0;
  std::uint32_t attempts = 0;  // attempts so far, this one included
  std::string error;
  std::int64_t next_attempt_at = 0;
  bool dead = false;
};

// One round's outcome, written in one transaction.
struct Settlement {
  std::int64_t now_ms = 0;              // published_at of the published rows
  std::vector<std::int64_t> published;  // acked by the broker
  std::vector<RowFailure> failures;     // to retry, or dead
};

class Store {
 public:
  virtual ~Store() = default;
  // Up to `limit` pending rows with next_attempt_at <= now_ms, oldest first, none of which has
  // an earlier pending row of its aggregate (that row goes first, so the later one waits).
  virtual Error claim(std::int64_t now_ms, std::size_t limit, std::vector<OutboxRow>& rows) = 0;
  // Marks every row of `settlement` in one transaction; on error nothing is marked (the rows
  // stay pending and are published again: at-least-once). Called after every claim that
  // returned rows, with an empty settlement when none was published or failed.
  virtual Error settle(const Settlement& settlement) = 0;

  // Called by the relay's close(), from another thread: a database call under way or to come
  // gives up by `deadline` (a store whose calls cannot hang may ignore it).
  void give_up_at(std::chrono::steady_clock::time_point deadline) {
    give_up_at_.store(deadline.time_since_epoch().count());
  }

 protected:
  std::chrono::steady_clock::time_point give_up_at() const {
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(give_up_at_.load()));
  }

 private:
  std::atomic<std::chrono::steady_clock::rep> give_up_at_{
      std::chrono::steady_clock::time_point::max().time_since_epoch().count()};
};

}  // namespace eventbus::outbox
