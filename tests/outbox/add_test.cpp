// SPDX-License-Identifier: Apache-2.0
// add(): bad input comes back as an error with a detail, never as an exception, and nothing is
// stored; a good event is one pending row holding the encoded envelope.
#include "eventbus/eventbus.hpp"
#include "outbox/outbox_test.hpp"

namespace eventbus::testing {
namespace {

class OutboxAdd : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(outbox::migrate(db.get())); }
  TempDir dir;
  AppDatabase db{dir.file("app.db")};
};

TEST_F(OutboxAdd, StoresThePendingRowWithTheEncodedEnvelope) {
  Envelope e = make_envelope("order-1", "Created", 1, R"({"total": 5})");
  e.tenant_id = 42;
  ASSERT_FALSE(outbox::add(db.get(), "orders", e, Headers{{"X-Source", "test"}}));
  std::string encoded;
  ASSERT_FALSE(encode(e, encoded));
  EXPECT_EQ(db.text("SELECT payload FROM eventbus_outbox"), encoded);
  EXPECT_EQ(db.text("SELECT topic || '|' || aggregate_id || '|' || event_id || '|' || state "
                    "FROM eventbus_outbox"),
            "orders|order-1|" + e.event_id + "|pending");
  EXPECT_EQ(db.integer("SELECT tenant_id FROM eventbus_outbox"), 42);
  EXPECT_EQ(db.text("SELECT headers FROM eventbus_outbox"), R"([["X-Source","test"]])");
}

TEST_F(OutboxAdd, BadInputIsAnErrorWithADetailAndStoresNothing) {
  const Envelope good = make_envelope("order-1", "Created", 1, "{}");
  EXPECT_EQ(outbox::add(nullptr, "orders", good).code, errc::invalid_option);

  const outbox::Error topic = outbox::add(db.get(), "orders with spaces", good);
  EXPECT_EQ(topic.code, errc::invalid_topic);
  EXPECT_FALSE(topic.detail.empty());

  Envelope bad_aggregate = good;
  bad_aggregate.aggregate_id = "order 1";
  const outbox::Error aggregate = outbox::add(db.get(), "orders", bad_aggregate);
  EXPECT_EQ(aggregate.code, errc::invalid_aggregate_id);
  EXPECT_NE(aggregate.detail.find("aggregate_id"), std::string::npos) << aggregate.detail;

  Envelope bad_payload = good;
  bad_payload.payload = "{not json";
  EXPECT_EQ(outbox::add(db.get(), "orders", bad_payload).code, errc::invalid_payload);

  EXPECT_EQ(outbox::add(db.get(), "orders", good, Headers{{"", "v"}}).code, errc::invalid_option);
  EXPECT_EQ(db.integer("SELECT count(*) FROM eventbus_outbox"), 0);

  // event_id is unique: the same event twice is SQLite's constraint error, with its words.
  ASSERT_FALSE(outbox::add(db.get(), "orders", good));
  const outbox::Error twice = outbox::add(db.get(), "orders", good);
  EXPECT_EQ(twice.code, outbox::errc::database_error);
  EXPECT_NE(twice.detail.find("UNIQUE"), std::string::npos) << twice.detail;
}

TEST(OutboxAddUnmigrated, MissingTableSaysToMigrate) {
  TempDir dir;
  AppDatabase db(dir.file("app.db"));
  const outbox::Error error = outbox::add(db.get(), "orders", make_envelope("a", "E", 1, "{}"));
  EXPECT_EQ(error.code, outbox::errc::not_migrated);
  EXPECT_NE(error.detail.find("migrate()"), std::string::npos) << error.detail;
}

}  // namespace
}  // namespace eventbus::testing
