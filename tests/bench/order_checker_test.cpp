// SPDX-License-Identifier: Apache-2.0
// OrderChecker: per-aggregate order, duplicates apart from violations, unknown messages.
#include "order_checker.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace eventbus::bench {
namespace {

using Verdict = OrderChecker::Verdict;

TEST(OrderChecker, VersionsInOrderPerAggregatePassWhateverTheInterleaving) {
  OrderChecker c(3, 10);
  for (std::int64_t v = 1; v <= 10; ++v)
    for (std::size_t a : {2u, 0u, 1u})
      EXPECT_EQ(c.record(a, v), Verdict::in_order);
  EXPECT_EQ(c.distinct(), 30u);
  EXPECT_EQ(c.order_violations(), 0u);
  EXPECT_EQ(c.duplicates(), 0u);
}

TEST(OrderChecker, AVersionAfterALaterOneIsAViolation) {
  OrderChecker c(1, 10);
  EXPECT_EQ(c.record(0, 1), Verdict::in_order);
  EXPECT_EQ(c.record(0, 3), Verdict::in_order);  // a gap is not a violation (2 may be lost)
  EXPECT_EQ(c.record(0, 2), Verdict::out_of_order);
  EXPECT_EQ(c.record(0, 4), Verdict::in_order);
  EXPECT_EQ(c.order_violations(), 1u);
  EXPECT_EQ(c.distinct(), 4u);
}

TEST(OrderChecker, ARedeliveryIsADuplicateNotAViolation) {
  OrderChecker c(1, 10);
  c.record(0, 1);
  c.record(0, 2);
  EXPECT_EQ(c.record(0, 1), Verdict::duplicate);
  EXPECT_EQ(c.record(0, 2), Verdict::duplicate);
  EXPECT_EQ(c.duplicates(), 2u);
  EXPECT_EQ(c.order_violations(), 0u);
  EXPECT_EQ(c.distinct(), 2u);
}

TEST(OrderChecker, AggregatesAreIndependent) {
  OrderChecker c(2, 10);
  c.record(0, 5);
  EXPECT_EQ(c.record(1, 1), Verdict::in_order);  // aggregate 0 being ahead does not matter
  EXPECT_EQ(c.order_violations(), 0u);
}

TEST(OrderChecker, OutOfRangeMessagesAreUnknown) {
  OrderChecker c(2, 10);
  EXPECT_EQ(c.record(2, 1), Verdict::unknown);
  EXPECT_EQ(c.record(0, 0), Verdict::unknown);
  EXPECT_EQ(c.record(0, 11), Verdict::unknown);
  EXPECT_EQ(c.unknown(), 3u);
  EXPECT_EQ(c.distinct(), 0u);
}

TEST(OrderChecker, ConcurrentAggregatesOnDifferentThreads) {
  OrderChecker c(400, 100);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&c, t] {
      for (std::int64_t v = 1; v <= 100; ++v)
        for (std::size_t a = t; a < 400; a += 4)
          c.record(a, v);
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(c.distinct(), 40'000u);
  EXPECT_EQ(c.order_violations(), 0u);
}

}  // namespace
}  // namespace eventbus::bench
