// SPDX-License-Identifier: Apache-2.0
// CommitWatermark: the commit point of a partition advances only over offsets that are
// finished and contiguous among those received, whatever order they finish in.
#include "transport/kafka/commit_watermark.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <random>
#include <vector>

namespace {

using eventbus::kafka::CommitWatermark;

TEST(CommitWatermark, NothingReceivedMeansNoCommitPoint) {
  CommitWatermark w;
  EXPECT_EQ(w.commit_point(), std::nullopt);
  EXPECT_EQ(w.in_flight(), 0u);
  w.finished(0);  // unknown: ignored
  EXPECT_EQ(w.commit_point(), std::nullopt);
}

TEST(CommitWatermark, ReceivedButUnfinishedCommitsNothingPastTheFirst) {
  CommitWatermark w;
  w.received(100);
  w.received(101);
  // Kafka's committed offset is the next one to read: 100 means "read 100 again".
  EXPECT_EQ(w.commit_point(), 100);
  EXPECT_EQ(w.in_flight(), 2u);
}

TEST(CommitWatermark, InOrderFinishAdvancesOneByOne) {
  CommitWatermark w;
  for (std::int64_t o = 10; o < 15; ++o)
    w.received(o);
  for (std::int64_t o = 10; o < 15; ++o) {
    w.finished(o);
    EXPECT_EQ(w.commit_point(), o + 1);
    EXPECT_EQ(w.in_flight(), static_cast<std::size_t>(14 - o));
  }
}

TEST(CommitWatermark, OutOfOrderFinishAdvancesOnlyWhenContiguous) {
  CommitWatermark w;
  for (std::int64_t o = 0; o < 5; ++o)
    w.received(o);
  w.finished(3);
  w.finished(1);
  w.finished(4);
  EXPECT_EQ(w.commit_point(), 0);  // 0 is still running: nothing past it may be committed
  EXPECT_EQ(w.in_flight(), 5u);
  w.finished(0);
  EXPECT_EQ(w.commit_point(), 2);  // 0 and 1 done, 2 is not
  EXPECT_EQ(w.in_flight(), 3u);
  w.finished(2);
  EXPECT_EQ(w.commit_point(), 5);  // 2, 3 and 4 all done
  EXPECT_EQ(w.in_flight(), 0u);
}

TEST(CommitWatermark, GapsInOffsetsAreSkipped) {
  CommitWatermark w;
  // Compaction or transaction markers: offsets 3..6 and 8 never arrive.
  for (std::int64_t o : {1, 2, 7, 9})
    w.received(o);
  w.finished(1);
  w.finished(2);
  EXPECT_EQ(w.commit_point(), 7);  // the next received offset, not 3
  w.finished(9);
  EXPECT_EQ(w.commit_point(), 7);
  w.finished(7);
  EXPECT_EQ(w.commit_point(), 10);
  EXPECT_EQ(w.in_flight(), 0u);
}

TEST(CommitWatermark, UnknownOffsetsAreIgnored) {
  CommitWatermark w;
  w.received(5);
  w.received(6);
  w.finished(4);   // before the window
  w.finished(7);   // after it
  w.finished(-1);  // never an offset
  EXPECT_EQ(w.commit_point(), 5);
  EXPECT_EQ(w.in_flight(), 2u);
  w.finished(5);
  w.finished(5);  // twice: no further effect
  EXPECT_EQ(w.commit_point(), 6);
  EXPECT_EQ(w.in_flight(), 1u);
}

TEST(CommitWatermark, ReceivingAfterEverythingFinishedKeepsTheCommitPoint) {
  CommitWatermark w;
  w.received(0);
  w.finished(0);
  EXPECT_EQ(w.commit_point(), 1);
  w.received(4);                   // a gap after an empty window
  EXPECT_EQ(w.commit_point(), 1);  // nothing new is finished; 1 is still safe to commit
  w.finished(4);
  EXPECT_EQ(w.commit_point(), 5);
}

TEST(CommitWatermark, RandomFinishOrderNeverPassesAnUnfinishedOffset) {
  std::mt19937 random(7);
  std::vector<std::int64_t> offsets;
  for (std::int64_t o = 0, i = 0; i < 500; ++i, o += 1 + static_cast<std::int64_t>(random() % 3))
    offsets.push_back(o);
  CommitWatermark w;
  for (std::int64_t o : offsets)
    w.received(o);
  std::vector<std::int64_t> order = offsets;
  std::shuffle(order.begin(), order.end(), random);
  std::vector<bool> done(offsets.size(), false);
  for (std::int64_t o : order) {
    w.finished(o);
    done[std::lower_bound(offsets.begin(), offsets.end(), o) - offsets.begin()] = true;
    // The expected point: the first unfinished offset, or one past the last.
    const auto first_open = std::find(done.begin(), done.end(), false) - done.begin();
    const std::int64_t expected = first_open == static_cast<std::ptrdiff_t>(offsets.size())
                                      ? offsets.back() + 1
                                      : offsets[first_open];
    ASSERT_EQ(w.commit_point(), expected);
    ASSERT_EQ(w.in_flight(), offsets.size() - first_open);
  }
}

}  // namespace
