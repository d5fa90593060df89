// SPDX-License-Identifier: Apache-2.0
// The configuration file's outbox and inbox sections: values land in Config::outbox and
// ::inbox, the defaults are the outbox library's, a store needs its own location (and the inbox
// a group), and the connection string can come from the environment without being quoted in
// errors.
#include <gtest/gtest.h>

#include <string>
#include <system_error>

#include "eventbus/config.hpp"
#include "eventbus/error.hpp"

namespace {

using eventbus::parse_config;
using std::chrono::milliseconds;

std::string error_of(std::string_view yaml, const eventbus::Environment& env = {}) {
  try {
    parse_config(yaml, "test.yaml", env);
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), eventbus::errc::invalid_option) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return {};
}

TEST(ConfigOutbox, SectionsLandInTheConfig) {
  const eventbus::Config c = parse_config(R"(
outbox:
  store: sqlite
  path: /var/lib/orders/app.db
  batchSize: 64
  pollInterval: 50ms
  maxAttempts: 3
  initialBackoff: 200ms
  maxBackoff: 5s
  busyTimeout: 1s
  databaseTimeout: 2s
inbox:
  store: postgres
  url: postgresql://billing@db/billing
  group: billing
  lease: 1m
  maxAttempts: 4
  busyTimeout: 0s
  databaseTimeout: 3s
)");
  EXPECT_EQ(c.outbox.store, "sqlite");
  EXPECT_EQ(c.outbox.path, "/var/lib/orders/app.db");
  EXPECT_EQ(c.outbox.batch_size, 64U);
  EXPECT_EQ(c.outbox.poll_interval, milliseconds(50));
  EXPECT_EQ(c.outbox.max_attempts, 3U);
  EXPECT_EQ(c.outbox.initial_backoff, milliseconds(200));
  EXPECT_EQ(c.outbox.max_backoff, milliseconds(5000));
  EXPECT_EQ(c.outbox.busy_timeout, milliseconds(1000));
  EXPECT_EQ(c.outbox.database_timeout, milliseconds(2000));
  EXPECT_EQ(c.inbox.store, "postgres");
  EXPECT_EQ(c.inbox.url, "postgresql://billing@db/billing");
  EXPECT_EQ(c.inbox.group, "billing");
  EXPECT_EQ(c.inbox.lease, milliseconds(60000));
  EXPECT_EQ(c.inbox.max_attempts, 4U);
  EXPECT_EQ(c.inbox.busy_timeout, milliseconds(0));
  EXPECT_EQ(c.inbox.database_timeout, milliseconds(3000));
}

TEST(ConfigOutbox, WithoutTheSectionsThereIsNoStore) {
  const eventbus::Config c = parse_config("type: memory");
  EXPECT_TRUE(c.outbox.store.empty());
  EXPECT_TRUE(c.inbox.store.empty());
}

TEST(ConfigOutbox, AStoreNeedsItsOwnLocationAndTheInboxAGroup) {
  EXPECT_EQ(error_of("outbox: {store: sqlite}"),
            "test.yaml: outbox.path: required for store sqlite");
  EXPECT_EQ(error_of("outbox: {store: postgres, path: /x.db}"),
            "test.yaml: outbox.url: required for store postgres");
  EXPECT_EQ(error_of("outbox: {store: sqlite, path: /x.db, url: postgresql://h/d}"),
            "test.yaml: outbox.url: is for store postgres, not sqlite");
  EXPECT_EQ(error_of("outbox: {path: /x.db}"),
            "test.yaml: outbox.store: required when outbox.path or outbox.url is given");
  EXPECT_EQ(error_of("inbox: {store: sqlite, path: /x.db}"),
            "test.yaml: inbox.group: required when inbox.store is given");
  EXPECT_NE(error_of("outbox: {store: mysql}").find("outbox.store"), std::string::npos);
  EXPECT_NE(error_of("outbox: {batchSize: 0}").find("outbox.batchSize"), std::string::npos);
  EXPECT_NE(error_of("outbox: {maxBackoff: 50ms}").find("must be >= outbox.initialBackoff"),
            std::string::npos);
  EXPECT_NE(error_of("inbox: {lease: 0s}").find("inbox.lease"), std::string::npos);
  EXPECT_NE(error_of("outbox: {store: sqlite, path: /x.db, batch: 5}").find("outbox.batch"),
            std::string::npos);  // unknown keys are errors, as everywhere
}

TEST(ConfigOutbox, TheConnectionStringComesFromTheEnvironmentAndStaysOutOfErrors) {
  const eventbus::Config c =
      parse_config("outbox: {store: postgres}", "test.yaml",
                   {{"EVENTBUS_OUTBOX_URL", "postgresql://relay:s3cret@db/orders"}});
  EXPECT_EQ(c.outbox.url, "postgresql://relay:s3cret@db/orders");
  const std::string error =
      error_of("outbox: {store: sqlite, path: /x.db}",
               {{"EVENTBUS_OUTBOX_URL", "postgresql://relay:s3cret@db/orders"}});
  EXPECT_NE(error.find("outbox.url"), std::string::npos) << error;
  EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
}

}  // namespace
