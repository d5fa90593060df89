// SPDX-License-Identifier: Apache-2.0
// NATS subject matching, and the stream and durable names the bus gives a topic: its own
// ("EB_..."), and the Go SDK's, which a C++ and a Go instance of one service must agree on.
#include "transport/nats/nats_names.hpp"

#include <gtest/gtest.h>

namespace eventbus::nats {
namespace {

TEST(NatsSubjects, WildcardsMatchWholeTokens) {
  EXPECT_TRUE(subject_matches("orders.>", "orders.created"));
  EXPECT_TRUE(subject_matches("orders.>", "orders.eu.created"));
  EXPECT_FALSE(subject_matches("orders.>", "orders"));  // '>' takes one token or more
  EXPECT_TRUE(subject_matches("orders.*", "orders.created"));
  EXPECT_FALSE(subject_matches("orders.*", "orders.eu.created"));
  EXPECT_TRUE(subject_matches("*.created", "orders.created"));
  EXPECT_TRUE(subject_matches("orders.created", "orders.created"));
  EXPECT_FALSE(subject_matches("orders.created", "orders.createdx"));
  EXPECT_FALSE(subject_matches("orders", "orders.created"));
  EXPECT_FALSE(subject_matches("orders.*", "ordersx.a"));
  EXPECT_TRUE(subject_matches(">", "a.b.c"));
}

TEST(NatsSubjects, APatternSubjectIsMatchedOnlyByAWiderPattern) {
  EXPECT_TRUE(subject_matches("orders.>", "orders.*"));
  EXPECT_TRUE(subject_matches("orders.*", "orders.*"));
  EXPECT_TRUE(subject_matches("orders.>", "orders.>"));
  EXPECT_FALSE(subject_matches("orders.*", "orders.>"));
  EXPECT_FALSE(subject_matches("orders.a", "orders.*"));
}

TEST(NatsNames, OwnStreamNamesAreEscapedSoNoTwoTopicsShareOne) {
  EXPECT_EQ(new_stream_name("orders.created", {}), "EB_orders_dcreated");
  EXPECT_EQ(new_stream_name("orders_created", {}), "EB_orders_ucreated");
  EXPECT_NE(new_stream_name("a.b", {}), new_stream_name("a_b", {}));
}

// The Go SDK's layout (its nats.go subscribeJetStreamWithStorage and ensureTopicInJetStream):
// a topic its subjects take goes to its stream, any other to "<name>_<topic, '.' as '_'>".
TEST(NatsNames, GoShapedStreamNamesFollowTheConfiguredSubjects) {
  NatsOptions n;
  n.stream_name = "ORDERS";
  n.stream_subjects = {"orders.>", "audit"};
  EXPECT_EQ(new_stream_name("orders.created", n), "ORDERS");
  EXPECT_EQ(new_stream_name("audit", n), "ORDERS");
  EXPECT_EQ(new_stream_name("payments.settled", n), "ORDERS_payments_settled");
  n.stream_subjects.clear();
  EXPECT_EQ(new_stream_name("orders.created", n), "ORDERS_orders_created");
}

TEST(NatsNames, DurablesAreNamedAsTheGoSdkNamesThem) {
  EXPECT_EQ(consumer_name("billing", "orders.created"), "billing-unified_orders_created");
  EXPECT_EQ(consumer_name("billing", "orders.*"), "billing-unified_orders_wildcard");
  EXPECT_EQ(consumer_name("billing", "orders.>"), "billing-unified_orders_all");
  EXPECT_EQ(go_suffix("a.b.c"), "a_b_c");
}

}  // namespace
}  // namespace eventbus::nats
