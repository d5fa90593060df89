// SPDX-License-Identifier: Apache-2.0
// RateLimits: which buckets a topic passes. The bus's bucket is shared by every topic; a topic
// named in BusOptions::topics has its own limit (or none, whatever default_topic says); every
// other topic gets a bucket of its own with default_topic's limit.
#include "core/rate_limit/rate_limits.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace {

using eventbus::BusOptions;
using eventbus::RateLimit;
using eventbus::TopicOptions;
using eventbus::core::RateLimits;
using eventbus::core::TokenBucket;

// Time stands still: a bucket's tokens are exactly its burst minus what was taken.
TokenBucket::Now frozen() {
  const auto now = TokenBucket::Clock::now();
  return [now] { return now; };
}

int passes(RateLimits& limits, const char* topic, int tries) {
  int passed = 0;
  for (int i = 0; i < tries; ++i)
    passed += limits.gate(topic).try_pass() ? 1 : 0;
  return passed;
}

TEST(RateLimits, NothingSetMeansNoBucketAtAll) {
  BusOptions options;
  options.topics["orders"] = TopicOptions{};
  RateLimits limits(options, options.publish.rate_limit, &TopicOptions::publish_rate_limit);
  EXPECT_FALSE(limits.limited());
  EXPECT_FALSE(limits.gate("orders").limited());
  EXPECT_FALSE(limits.gate("other").limited());
}

TEST(RateLimits, TheBusBucketIsSharedByEveryTopic) {
  BusOptions options;
  options.publish.rate_limit = RateLimit{1, 3};
  RateLimits limits(options, options.publish.rate_limit, &TopicOptions::publish_rate_limit,
                    frozen());
  EXPECT_TRUE(limits.limited());
  EXPECT_EQ(passes(limits, "a", 2), 2);
  EXPECT_EQ(passes(limits, "b", 5), 1);
}

TEST(RateLimits, ANamedTopicHasItsOwnLimitOrNoneWhateverTheDefaultSays) {
  BusOptions options;
  options.default_topic.handle_rate_limit = RateLimit{1, 1};
  options.topics["fast"].handle_rate_limit = RateLimit{1, 4};
  options.topics["free"] = TopicOptions{};  // no limit of its own
  RateLimits limits(options, options.dispatch.rate_limit, &TopicOptions::handle_rate_limit,
                    frozen());
  EXPECT_EQ(passes(limits, "fast", 10), 4);
  EXPECT_EQ(passes(limits, "free", 10), 10);
  EXPECT_FALSE(limits.gate("free").limited());
}

TEST(RateLimits, EveryOtherTopicGetsABucketOfItsOwnFromTheDefault) {
  BusOptions options;
  options.default_topic.publish_rate_limit = RateLimit{1, 2};
  RateLimits limits(options, options.publish.rate_limit, &TopicOptions::publish_rate_limit,
                    frozen());
  EXPECT_TRUE(limits.limited());
  EXPECT_EQ(passes(limits, "a", 5), 2);
  EXPECT_EQ(passes(limits, "b", 5), 2) << "b does not share a's bucket";
  EXPECT_EQ(passes(limits, "a", 5), 0) << "a keeps its bucket between calls";
}

TEST(RateLimits, PublishAndHandleLimitsAreSeparate) {
  BusOptions options;
  options.topics["orders"].publish_rate_limit = RateLimit{1, 1};
  RateLimits handle(options, options.dispatch.rate_limit, &TopicOptions::handle_rate_limit);
  EXPECT_FALSE(handle.limited());
  EXPECT_FALSE(handle.gate("orders").limited());
}

}  // namespace
