// SPDX-License-Identifier: Apache-2.0
// A program built against an installed eventbus::outbox (find_package): an event added to an
// SQLite outbox in a transaction, relayed to the memory transport and handled. Exits 0 only
// when it arrived and its row is marked published.
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <eventbus/eventbus.hpp>
#include <eventbus/outbox/outbox.hpp>
#include <mutex>
#include <string>

int main() {
  char dir[] = "/tmp/eventbus-package-outbox.XXXXXX";
  if (mkdtemp(dir) == nullptr) return 1;
  const std::string path = std::string(dir) + "/app.db";
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return 1;
  int status = 1;
  {
    eventbus::Bus bus(eventbus::BusOptions{});
    std::mutex mutex;
    std::condition_variable arrived;
    std::string seen;
    bus.subscribe_envelope("orders", [&](const eventbus::Envelope& e, const eventbus::Message&) {
      std::lock_guard lock(mutex);
      seen = e.aggregate_id;
      arrived.notify_all();
      return eventbus::HandlerResult::ok();
    });
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    const auto migrated = eventbus::outbox::migrate(db);
    const auto added = eventbus::outbox::add(
        db, "orders", eventbus::make_envelope("order-42", "OrderPlaced", 1, "{}"));
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    if (migrated || added) {
      std::fprintf(stderr, "outbox: %s%s\n", migrated.detail.c_str(), added.detail.c_str());
    } else {
      eventbus::outbox::SqliteRelay relay(path, bus);
      std::unique_lock lock(mutex);
      const bool got =
          arrived.wait_for(lock, std::chrono::seconds(10), [&] { return seen == "order-42"; });
      lock.unlock();
      relay.close(std::chrono::seconds(5));
      status = got && relay.stats().published == 1 ? 0 : 1;
      if (status != 0) std::fprintf(stderr, "outbox: the event was not relayed\n");
    }
  }
  sqlite3_close(db);
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
  std::remove(dir);
  if (status == 0) std::printf("package-test: outbox relayed order-42\n");
  return status;
}
