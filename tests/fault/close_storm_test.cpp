// SPDX-License-Identifier: Apache-2.0
// The close storm on a broker that answers: a bus per cycle, 10 publishes, close(1 ms), 1,000
// times, on memory and on a running nats-server. Each close keeps its deadline, each
// completion fires once (acked or cancelled), no thread is left behind.
#include <gtest/gtest.h>

#include <atomic>

#include "fault/deadline_figures.hpp"
#include "fault/fault_bus.hpp"
#include "support/threads.hpp"

namespace eventbus::testing {
namespace {

constexpr int kCycles = 1000;
constexpr int kPublishes = 10;

class CloseStorm : public ::testing::TestWithParam<std::string> {
 protected:
  BusOptions options() {
    if (GetParam() == "memory") {
      BusOptions o;
      o.memory.broker = unique_name("fault", "b");
      return o;
    }
    if (!broker_) broker_ = std::make_unique<BrokerProcess>(BrokerKind::nats);
    BusOptions o = fault_bus_options(BrokerKind::nats, broker_->address());
    o.default_topic.storage = StorageType::memory;  // the storm measures close, not the disk
    return o;
  }
  std::unique_ptr<BrokerProcess> broker_;
};

TEST_P(CloseStorm, AThousandClosesKeepTheirDeadlineAndFireEveryCompletionOnce) {
  warm_up_threads();
  BusOptions o = options();
  const unsigned library_kept = library_threads(o);
  const std::size_t before = process_thread_count();
  const std::string topic = unique_name("fault", "t");
  CallDurations close;
  std::uint64_t acked = 0, cancelled = 0;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    std::atomic<int> fired{0}, ok{0}, twice{0};
    std::vector<std::atomic<int>> count(kPublishes);
    {
      Bus bus(o);
      for (int i = 0; i < kPublishes; ++i) {
        bus.publish_envelope(topic, make_envelope("a" + std::to_string(i), "Storm", 1, "{}"),
                             [&, i](const PublishResult& r) {
                               if (count[i].fetch_add(1) > 0) twice.fetch_add(1);
                               if (!r.error) ok.fetch_add(1);
                               fired.fetch_add(1);
                             });
      }
      timed(close, [&] { bus.close(std::chrono::milliseconds(1)); });
      ASSERT_EQ(fired.load(), kPublishes) << "cycle " << cycle << ": not every completion fired";
    }
    ASSERT_EQ(twice.load(), 0) << "cycle " << cycle;
    acked += static_cast<std::uint64_t>(ok.load());
    cancelled += static_cast<std::uint64_t>(kPublishes - ok.load());
  }
  close.print("close(1 ms) after 10 publishes, " + GetParam() + " running, " +
              std::to_string(kCycles) + " cycles (" + std::to_string(acked) + " acked, " +
              std::to_string(cancelled) + " cancelled)");
  EXPECT_LE(close.max(), 101.0);
  std::size_t seen = 0;
  EXPECT_TRUE(threads_back_to_baseline(before, library_kept, seen)) << seen << " vs " << before;
}

INSTANTIATE_TEST_SUITE_P(, CloseStorm,
                         ::testing::ValuesIn(built_only<std::string>(
                             {"memory", "nats"}, [](const std::string& t) { return t; })),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace eventbus::testing
