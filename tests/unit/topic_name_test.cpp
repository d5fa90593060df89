// SPDX-License-Identifier: Apache-2.0
// Topic names every transport can carry: Kafka's alphabet and length, no NATS wildcards, no
// empty '.'-separated tokens; each refusal is invalid_topic with a detail saying why.
#include "core/topic_name.hpp"

#include <gtest/gtest.h>

#include <string>

#include "eventbus/error.hpp"

namespace {

using eventbus::errc;
using eventbus::core::kMaxTopicLength;
using eventbus::core::validate_topic;

// The detail of a refused topic; fails the test when the topic is accepted.
std::string refusal(std::string_view topic) {
  std::string detail;
  const std::error_code ec = validate_topic(topic, &detail);
  EXPECT_EQ(ec, errc::invalid_topic) << "'" << topic << "' should be refused";
  EXPECT_EQ(detail.rfind("topic:", 0), 0u) << detail;
  return detail;
}

TEST(TopicName, KafkaAlphabetIsAccepted) {
  for (const char* topic : {"orders", "orders.v1", "a-b_c.D9", "x", "UPPER.lower-1_2", "orders.dlq",
                            "_internal", "-dash"}) {
    std::string detail;
    EXPECT_FALSE(validate_topic(topic, &detail)) << topic << ": " << detail;
    EXPECT_TRUE(detail.empty()) << topic;
  }
}

TEST(TopicName, EmptyIsRefused) {
  EXPECT_NE(refusal("").find("empty"), std::string::npos);
}

TEST(TopicName, LengthIsLimitedTo249) {
  EXPECT_EQ(kMaxTopicLength, 249u);
  EXPECT_FALSE(validate_topic(std::string(249, 'a')));
  const std::string detail = refusal(std::string(250, 'a'));
  EXPECT_NE(detail.find("250"), std::string::npos) << detail;
  EXPECT_NE(detail.find("249"), std::string::npos) << detail;
}

TEST(TopicName, WildcardsAndSeparatorsOfOtherBrokersAreRefusedWithTheirOffset) {
  const std::string star = refusal("orders.*");
  EXPECT_NE(star.find("character code 42 at offset 7"), std::string::npos) << star;
  const std::string gt = refusal("orders.>");
  EXPECT_NE(gt.find("character code 62 at offset 7"), std::string::npos) << gt;
  refusal("orders/v1");
  refusal("orders:v1");
  refusal("orders v1");
  refusal("orders\tv1");
  refusal(std::string_view("ord\0ers", 7));
}

TEST(TopicName, NonAsciiBytesAreRefused) {
  const std::string detail = refusal("caf\xc3\xa9");
  EXPECT_NE(detail.find("character code 195 at offset 3"), std::string::npos) << detail;
}

TEST(TopicName, EmptyDotSeparatedTokensAreRefused) {
  for (const char* topic : {".", "..", ".orders", "orders.", "orders..v1"}) {
    const std::string detail = refusal(topic);
    EXPECT_NE(detail.find("empty '.'-separated token"), std::string::npos) << detail;
  }
}

TEST(TopicName, DetailIsOptional) {
  EXPECT_EQ(validate_topic(""), errc::invalid_topic);
  EXPECT_EQ(validate_topic("a*"), errc::invalid_topic);
  EXPECT_TRUE(validate_topic("bad topic") == eventbus::error_class::fatal);
}

}  // namespace
