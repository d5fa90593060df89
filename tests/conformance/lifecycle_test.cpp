// SPDX-License-Identifier: Apache-2.0
// close(): bounded, every completion exactly once, every thread joined, safe from many threads.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST_P(Conformance, CloseWithTenThousandInFlightFiresEveryCompletionOnce) {
  constexpr int kMessages = 10000;
  const std::string topic = unique_name("conf", "t");
  auto fired = std::make_unique<std::atomic<int>[]>(kMessages);
  std::atomic<int> acked{0}, cancelled{0}, other{0};
  auto bus = make_bus([](BusOptions& o) { o.publish.max_in_flight = kMessages; });
  for (int i = 0; i < kMessages; ++i) {
    std::atomic<int>* slot = &fired[i];
    ASSERT_FALSE(bus->publish_envelope(topic,
                                       test_envelope("agg-" + std::to_string(i % 100), i + 1),
                                       [slot, &acked, &cancelled, &other](const PublishResult& r) {
                                         slot->fetch_add(1);
                                         if (!r.error) {
                                           acked++;
                                         } else if (r.error == errc::cancelled) {
                                           cancelled++;
                                         } else {
                                           other++;
                                         }
                                       }));
  }
  const CloseReport report = bus->close(5s);
  for (int i = 0; i < kMessages; ++i)
    ASSERT_EQ(fired[i].load(), 1) << "completion " << i;
  EXPECT_EQ(acked + cancelled + other, kMessages);
  EXPECT_EQ(static_cast<int>(report.cancelled_publishes), cancelled.load());
  const Stats stats = bus->stats();
  EXPECT_EQ(stats.acked + stats.failed, static_cast<std::uint64_t>(kMessages));
  EXPECT_EQ(stats.in_flight, 0u);
}

void one_cycle(Conformance& suite, const std::function<std::unique_ptr<Bus>()>& make,
               const std::string& topic) {
  Signal signal;
  int handled = 0;
  auto bus = make();
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope&, const Message&) {
                                         signal.update([&] { ++handled; });
                                         return HandlerResult::ok();
                                       })
                   .error());
  for (int v = 1; v <= 5; ++v)
    ASSERT_FALSE(bus->publish_envelope(topic, test_envelope("c", v)));
  ASSERT_TRUE(signal.wait_for(20s, [&] { return handled >= 5; }));
  EXPECT_FALSE(bus->close(10s).error);
  (void)suite;
}

TEST_P(Conformance, ThreadCountReturnsToBaselineAfterEachOfHundredCycles) {
  // Client libraries end some threads asynchronously (nats.c's subscription threads), so each
  // count is given a moment to settle on the baseline; it must reach it exactly.
  const std::size_t baseline = thread_baseline;
  const auto make = [this] { return make_bus(); };
  for (int cycle = 0; cycle < 100; ++cycle) {
    one_cycle(*this, make, unique_name("conf", std::to_string(cycle)));
    ASSERT_EQ(thread_count_settling_at(baseline), baseline) << "thread leaked in cycle " << cycle;
  }
}

TEST_P(Conformance, ConcurrentCloseFromFourThreadsGivesEveryoneTheSameReport) {
  auto bus = make_bus();
  const std::string topic = unique_name("conf", "t");
  ASSERT_FALSE(bus->subscribe(topic, [](const Message&) { return HandlerResult::ok(); }).error());
  for (int i = 0; i < 1000; ++i)
    ASSERT_FALSE(bus->publish(topic, "m" + std::to_string(i)));
  std::vector<CloseReport> reports(4);
  std::vector<std::thread> closers;
  for (int i = 0; i < 4; ++i)
    closers.emplace_back([&, i] { reports[i] = bus->close(10s); });
  for (auto& t : closers)
    t.join();
  for (const CloseReport& r : reports) {
    EXPECT_EQ(r.error, reports[0].error);
    EXPECT_EQ(r.cancelled_publishes, reports[0].cancelled_publishes);
    EXPECT_EQ(r.abandoned_messages, reports[0].abandoned_messages);
  }
  EXPECT_FALSE(reports[0].error) << reports[0].error.message();
}

TEST_P(Conformance, CloseFromInsideAHandlerReturnsAnErrorInsteadOfDeadlocking) {
  const std::string topic = unique_name("conf", "t");
  Signal signal;
  std::optional<std::error_code> from_handler;
  auto bus = make_bus();
  ASSERT_FALSE(bus->subscribe(topic,
                              [&](const Message&) {
                                const CloseReport r = bus->close(1s);
                                signal.update([&] { from_handler = r.error; });
                                return HandlerResult::ok();
                              })
                   .error());
  ASSERT_FALSE(bus->publish(topic, "x"));
  ASSERT_TRUE(signal.wait_for(20s, [&] { return from_handler.has_value(); }));
  EXPECT_EQ(*from_handler, errc::close_from_handler);
  EXPECT_FALSE(bus->close(10s).error);
}

}  // namespace
}  // namespace eventbus::testing
