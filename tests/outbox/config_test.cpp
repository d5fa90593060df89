// SPDX-License-Identifier: Apache-2.0
// The outbox and inbox sections of a configuration file, turned into the outbox's options and
// a running relay: the file's defaults are the options' defaults, and start_relay() starts the
// relay of the named store, or says what is missing.
#include "eventbus/config.hpp"

#include <chrono>
#include <string>

#include "eventbus/eventbus.hpp"
#include "outbox/outbox_test.hpp"
#include "outbox/relay_support.hpp"
#include "support/order_tracker.hpp"
#include "support/unique_name.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST(OutboxConfig, TheFilesDefaultsAreTheOptionsDefaults) {
  const outbox::RelayOptions relay = outbox::relay_options(OutboxConfig{});
  const outbox::RelayOptions defaults;
  EXPECT_EQ(relay.batch_size, defaults.batch_size);
  EXPECT_EQ(relay.poll_interval, defaults.poll_interval);
  EXPECT_EQ(relay.max_attempts, defaults.max_attempts);
  EXPECT_EQ(relay.initial_backoff, defaults.initial_backoff);
  EXPECT_EQ(relay.max_backoff, defaults.max_backoff);
  EXPECT_EQ(relay.busy_timeout, defaults.busy_timeout);
  EXPECT_EQ(relay.database_timeout, defaults.database_timeout);
  const outbox::InboxOptions inbox = outbox::inbox_options(InboxConfig{});
  const outbox::InboxOptions inbox_defaults;
  EXPECT_EQ(inbox.lease, inbox_defaults.lease);
  EXPECT_EQ(inbox.max_attempts, inbox_defaults.max_attempts);
  EXPECT_EQ(inbox.busy_timeout, inbox_defaults.busy_timeout);
  EXPECT_EQ(inbox.database_timeout, inbox_defaults.database_timeout);
}

TEST(OutboxConfig, ARelayStartsFromItsSection) {
  TempDir dir;
  const std::string path = dir.file("app.db");
  AppDatabase db(path);
  ASSERT_FALSE(outbox::migrate(db.get()));
  const std::string topic = unique_name("outbox", "orders");
  ASSERT_FALSE(outbox::add(db.get(), topic, make_envelope("order-1", "Created", 1, "{}")));

  const Config config = parse_config(
      "type: memory\nmemory: {broker: " + unique_name("outbox", "broker") +
      "}\noutbox: {store: sqlite, path: '" + path + "', pollInterval: 10ms, batchSize: 8}");
  Bus bus(config.bus);
  OrderTracker tracker;
  ASSERT_FALSE(track(bus, topic, tracker));
  const std::unique_ptr<outbox::Relay> relay = outbox::start_relay(config.outbox, bus);
  ASSERT_TRUE(tracker.wait_for_distinct(1, 10s));
  EXPECT_FALSE(relay->close(5s));

  try {
    outbox::start_relay(OutboxConfig{}, bus);
    ADD_FAILURE() << "started a relay without a store";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), errc::invalid_option);
    EXPECT_NE(std::string(e.what()).find("outbox.store"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace eventbus::testing
