// SPDX-License-Identifier: Apache-2.0
// BusMetrics: a topic's publish entry is found again (the same one from every thread), the
// number of topics tracked one by one is bounded, invalid topics share one entry, and
// subscriptions to the same (topic, group) share theirs.
#include "core/metrics/bus_metrics.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using eventbus::core::BusMetrics;
using eventbus::core::PublishMetrics;

TEST(BusMetrics, ATopicKeepsItsEntry) {
  BusMetrics metrics;
  PublishMetrics& orders = metrics.publishing("orders");
  EXPECT_EQ(&metrics.publishing("orders"), &orders);
  EXPECT_NE(&metrics.publishing("orders.dlq"), &orders);
  EXPECT_EQ(orders.topic, "orders");
}

TEST(BusMetrics, ConcurrentFirstUsesAgreeOnOneEntryPerTopic) {
  BusMetrics metrics;
  constexpr int kTopics = 200;
  std::vector<std::vector<PublishMetrics*>> seen(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kTopics; ++i)
        seen[t].push_back(&metrics.publishing("topic." + std::to_string((i * (t + 1)) % kTopics)));
    });
  }
  for (auto& thread : threads)
    thread.join();
  std::set<PublishMetrics*> distinct;
  for (const auto& list : seen)
    distinct.insert(list.begin(), list.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kTopics));
  std::size_t visited = 0;
  metrics.for_each_publishing([&](const PublishMetrics&) { ++visited; });
  EXPECT_EQ(visited, static_cast<std::size_t>(kTopics));
}

TEST(BusMetrics, TopicsPastTheBoundShareOneEntry) {
  BusMetrics metrics;
  for (std::size_t i = 0; i < BusMetrics::kMaxPublishTopics; ++i)
    EXPECT_EQ(metrics.publishing("t" + std::to_string(i)).topic, "t" + std::to_string(i));
  PublishMetrics& other = metrics.publishing("one.too.many");
  EXPECT_EQ(other.topic, BusMetrics::kOtherTopics);
  EXPECT_EQ(&metrics.publishing("and.another"), &other);
  EXPECT_EQ(metrics.publishing("t7").topic, "t7") << "tracked topics keep their own";
  std::vector<std::string> order;
  metrics.for_each_publishing([&](const PublishMetrics& m) { order.push_back(m.topic); });
  EXPECT_EQ(order.size(), BusMetrics::kMaxPublishTopics + 1);
  EXPECT_EQ(order.back(), BusMetrics::kOtherTopics);
}

TEST(BusMetrics, InvalidTopicsCountUnderOneLabel) {
  BusMetrics metrics;
  EXPECT_EQ(metrics.publishing_any("has space").topic, BusMetrics::kInvalidTopic);
  EXPECT_EQ(&metrics.publishing_any(""), &metrics.publishing_any("wild.*"));
  EXPECT_EQ(metrics.publishing_any("fine").topic, "fine");
}

TEST(BusMetrics, SubscriptionsShareTheirTopicAndGroupEntry) {
  BusMetrics metrics;
  auto& a = metrics.consuming("orders", "billing");
  EXPECT_EQ(&metrics.consuming("orders", "billing"), &a);
  EXPECT_NE(&metrics.consuming("orders", "audit"), &a);
  EXPECT_EQ(a.group, "billing");
}

}  // namespace
