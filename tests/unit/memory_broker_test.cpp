// SPDX-License-Identifier: Apache-2.0
// MemoryTopic / MemoryBroker: each group gets every message, members of a group share its
// cursor, nacked messages come back first with a higher delivery count, acked ones are trimmed,
// a late group starts at the oldest message still held, and fetch gives up on a stop request.
#include "transport/memory/memory_broker.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using eventbus::memory::Fetched;
using eventbus::memory::MemoryBroker;
using eventbus::memory::MemoryTopic;

constexpr auto kBound = 5s;

// A stop token already stopped: fetch() then returns what is there without waiting.
std::stop_token poll_only() {
  std::stop_source source;
  source.request_stop();
  return source.get_token();
}

std::vector<std::uint64_t> sequences(const std::vector<Fetched>& batch) {
  std::vector<std::uint64_t> out;
  for (const Fetched& f : batch)
    out.push_back(f.message->sequence);
  return out;
}

// Appends messages 1..count with key, header and payload naming their number.
void append_numbered(MemoryTopic& topic, int count) {
  for (int i = 1; i <= count; ++i) {
    topic.append("key-" + std::to_string(i), {{"n", std::to_string(i)}},
                 "payload-" + std::to_string(i));
  }
}

using Seqs = std::vector<std::uint64_t>;

TEST(MemoryTopic, AppendNumbersMessagesFromOne) {
  MemoryTopic topic;
  EXPECT_EQ(topic.append("k", {}, "a"), 1u);
  EXPECT_EQ(topic.append("k", {}, "b"), 2u);
}

TEST(MemoryTopic, EachGroupGetsEveryMessageInOrder) {
  MemoryTopic topic;
  topic.join("billing");
  topic.join("shipping");
  append_numbered(topic, 3);
  const auto billing = topic.fetch("billing", 10, poll_only());
  const auto shipping = topic.fetch("shipping", 10, poll_only());
  EXPECT_EQ(sequences(billing), (Seqs{1, 2, 3}));
  EXPECT_EQ(sequences(shipping), (Seqs{1, 2, 3}));
  ASSERT_EQ(billing.size(), 3u);
  EXPECT_EQ(billing[1].message->key, "key-2");
  EXPECT_EQ(billing[1].message->payload, "payload-2");
  EXPECT_EQ(billing[1].message->headers, (eventbus::Headers{{"n", "2"}}));
  EXPECT_EQ(billing[1].delivery_count, 1u);
}

TEST(MemoryTopic, MembersOfOneGroupShareACursor) {
  MemoryTopic topic;
  append_numbered(topic, 5);
  EXPECT_EQ(sequences(topic.fetch("g", 2, poll_only())), (Seqs{1, 2}));  // member A
  EXPECT_EQ(sequences(topic.fetch("g", 2, poll_only())), (Seqs{3, 4}));  // member B
  EXPECT_EQ(sequences(topic.fetch("g", 9, poll_only())), (Seqs{5}));
  EXPECT_TRUE(topic.fetch("g", 9, poll_only()).empty());
}

TEST(MemoryTopic, ConcurrentMembersOfOneGroupSplitTheMessagesWithoutOverlap) {
  constexpr std::size_t kCount = 500;
  MemoryTopic topic;
  topic.join("g");
  std::stop_source stop;
  eventbus::testing::Signal signal;
  std::multiset<std::uint64_t> got;
  auto member = [&] {
    for (;;) {
      auto batch = topic.fetch("g", 7, stop.get_token());
      if (batch.empty()) return;
      signal.update([&] {
        for (const Fetched& f : batch)
          got.insert(f.message->sequence);
      });
      for (const Fetched& f : batch)
        topic.ack("g", f.message->sequence);
    }
  };
  std::thread a(member), b(member);
  std::thread producer([&] { append_numbered(topic, kCount); });
  const bool all = signal.wait_for(kBound, [&] { return got.size() >= kCount; });
  stop.request_stop();
  producer.join();
  a.join();
  b.join();
  ASSERT_TRUE(all) << "members received " << got.size() << " of " << kCount;
  EXPECT_EQ(got.size(), kCount);
  EXPECT_EQ(std::set<std::uint64_t>(got.begin(), got.end()).size(), kCount) << "a duplicate";
}

TEST(MemoryTopic, NackedMessagesComeBackFirstOldestFirstWithDeliveryCountPlusOne) {
  MemoryTopic topic;
  append_numbered(topic, 5);
  ASSERT_EQ(topic.fetch("g", 5, poll_only()).size(), 5u);
  topic.nack("g", 4);
  topic.nack("g", 2);
  topic.ack("g", 1);
  topic.ack("g", 3);
  topic.ack("g", 5);
  topic.append("k", {}, "new");
  const auto again = topic.fetch("g", 10, poll_only());
  ASSERT_EQ(sequences(again), (Seqs{2, 4, 6}));
  EXPECT_EQ(again[0].delivery_count, 2u);
  EXPECT_EQ(again[0].message->payload, "payload-2");
  EXPECT_EQ(again[1].delivery_count, 2u);
  EXPECT_EQ(again[2].delivery_count, 1u);
  topic.nack("g", 2);
  const auto third = topic.fetch("g", 10, poll_only());
  ASSERT_EQ(sequences(third), (Seqs{2}));
  EXPECT_EQ(third[0].delivery_count, 3u);
}

TEST(MemoryTopic, RedeliveriesRespectTheBatchLimit) {
  MemoryTopic topic;
  append_numbered(topic, 4);
  ASSERT_EQ(topic.fetch("g", 3, poll_only()).size(), 3u);
  for (std::uint64_t s : {3, 1, 2})
    topic.nack("g", s);
  EXPECT_EQ(sequences(topic.fetch("g", 2, poll_only())), (Seqs{1, 2}));
  EXPECT_EQ(sequences(topic.fetch("g", 2, poll_only())), (Seqs{3, 4}));
}

TEST(MemoryTopic, AckAndNackOfUnknownSequencesAreIgnored) {
  MemoryTopic topic;
  append_numbered(topic, 2);
  ASSERT_EQ(topic.fetch("g", 1, poll_only()).size(), 1u);
  topic.nack("g", 2);   // never delivered to g
  topic.nack("g", 99);  // does not exist
  topic.ack("g", 1);
  topic.ack("g", 1);   // twice
  topic.nack("g", 1);  // already acked
  EXPECT_EQ(sequences(topic.fetch("g", 10, poll_only())), (Seqs{2}));
}

TEST(MemoryTopic, GroupCreatedAfterTheOnlyGroupAckedEverythingGetsNothingOld) {
  MemoryTopic topic;
  topic.join("first");
  append_numbered(topic, 3);
  for (const Fetched& f : topic.fetch("first", 10, poll_only())) {
    topic.ack("first", f.message->sequence);
  }
  EXPECT_TRUE(topic.fetch("late", 10, poll_only()).empty()) << "acked messages were not trimmed";
  topic.append("k", {}, "fresh");
  EXPECT_EQ(sequences(topic.fetch("late", 10, poll_only())), (Seqs{4}));
}

TEST(MemoryTopic, GroupCreatedLaterStartsAtTheOldestRetainedMessage) {
  MemoryTopic topic;
  topic.join("first");
  append_numbered(topic, 4);
  ASSERT_EQ(topic.fetch("first", 10, poll_only()).size(), 4u);
  topic.ack("first", 1);
  topic.ack("first", 3);  // 2 is still unacked: 2, 3 and 4 are retained
  EXPECT_EQ(sequences(topic.fetch("late", 10, poll_only())), (Seqs{2, 3, 4}));
}

TEST(MemoryTopic, GroupCreatedBeforeAnyAckStartsAtTheFirstMessage) {
  MemoryTopic topic;
  append_numbered(topic, 3);
  EXPECT_EQ(sequences(topic.fetch("g", 10, poll_only())), (Seqs{1, 2, 3}));
}

TEST(MemoryTopic, TrimmingAndCompactionKeepSequencesAndPayloadsAligned) {
  MemoryTopic topic;
  append_numbered(topic, 3000);
  ASSERT_EQ(topic.fetch("g", 3000, poll_only()).size(), 3000u);
  for (std::uint64_t s = 1; s <= 2500; ++s)
    topic.ack("g", s);
  topic.nack("g", 2600);
  const auto again = topic.fetch("g", 10, poll_only());
  ASSERT_EQ(sequences(again), (Seqs{2600}));
  EXPECT_EQ(again[0].message->payload, "payload-2600");
  EXPECT_EQ(again[0].delivery_count, 2u);
  const auto late = topic.fetch("late", 3, poll_only());
  ASSERT_EQ(sequences(late), (Seqs{2501, 2502, 2503}));
  EXPECT_EQ(late[0].message->payload, "payload-2501");
  topic.append("k", {}, "after");
  for (std::uint64_t s = 2501; s <= 3000; ++s)
    topic.ack("g", s);
  const auto tail = topic.fetch("g", 10, poll_only());
  ASSERT_EQ(sequences(tail), (Seqs{3001}));
  EXPECT_EQ(tail[0].message->payload, "after");
}

TEST(MemoryTopic, FetchWaitsForAnAppend) {
  MemoryTopic topic;
  std::stop_source stop;
  auto fetched =
      std::async(std::launch::async, [&] { return topic.fetch("g", 10, stop.get_token()); });
  topic.append("k", {}, "late");
  if (fetched.wait_for(kBound) != std::future_status::ready) {
    stop.request_stop();
    FAIL() << "fetch did not wake up for an append";
  }
  EXPECT_EQ(sequences(fetched.get()), (Seqs{1}));
}

TEST(MemoryTopic, FetchReturnsEmptyWhenStopIsRequestedWhileWaiting) {
  MemoryTopic topic;
  std::stop_source stop;
  auto fetched =
      std::async(std::launch::async, [&] { return topic.fetch("g", 10, stop.get_token()); });
  stop.request_stop();
  if (fetched.wait_for(kBound) != std::future_status::ready) {
    topic.append("k", {}, "unblock");  // so the thread ends and the test can report
    FAIL() << "fetch ignored the stop request";
  }
  EXPECT_TRUE(fetched.get().empty());
}

TEST(MemoryTopic, FetchWakesForANackOfAnotherMember) {
  MemoryTopic topic;
  append_numbered(topic, 1);
  ASSERT_EQ(topic.fetch("g", 10, poll_only()).size(), 1u);
  std::stop_source stop;
  auto fetched =
      std::async(std::launch::async, [&] { return topic.fetch("g", 10, stop.get_token()); });
  topic.nack("g", 1);
  if (fetched.wait_for(kBound) != std::future_status::ready) {
    stop.request_stop();
    FAIL() << "fetch did not wake up for a nack";
  }
  const auto again = fetched.get();
  ASSERT_EQ(sequences(again), (Seqs{1}));
  EXPECT_EQ(again[0].delivery_count, 2u);
}

TEST(MemoryBroker, NamedReturnsTheSameBrokerWhileItIsAlive) {
  auto a = MemoryBroker::named("memory_broker_test.registry");
  auto b = MemoryBroker::named("memory_broker_test.registry");
  auto other = MemoryBroker::named("memory_broker_test.other");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  EXPECT_EQ(a->topic("orders"), b->topic("orders"));
  EXPECT_NE(a->topic("orders"), a->topic("payments"));
  EXPECT_NE(a->topic("orders"), other->topic("orders"));
}

TEST(MemoryBroker, ABrokerIsFreedWithItsLastUserAndNamedCreatesAFreshOne) {
  std::weak_ptr<MemoryBroker> gone;
  {
    auto broker = MemoryBroker::named("memory_broker_test.lifetime");
    broker->topic("orders")->append("k", {}, "old");
    gone = broker;
  }
  EXPECT_TRUE(gone.expired());
  auto fresh = MemoryBroker::named("memory_broker_test.lifetime");
  EXPECT_TRUE(fresh->topic("orders")->fetch("g", 10, poll_only()).empty());
}

}  // namespace
