// SPDX-License-Identifier: Apache-2.0
// A dead-letter replay interrupted by a broker crash: 300 dead letters (30 aggregates, 10
// versions each) are replayed while the broker is killed (SIGKILL) and restarted; the replay
// is run again until one finishes. What must hold: every dead letter is handled (none lost),
// each aggregate's versions are first handled in order, and the duplicates stay within what
// at-least-once allows; they are counted and printed with their causes.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <thread>
#include <vector>

#include "fault/fault_bus.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

constexpr int kAggregates = 30;
constexpr int kVersions = 10;
constexpr std::size_t kEvents = kAggregates * kVersions;

// The service: fails every event until fixed, then records each handling.
struct Service {
  Signal signal;
  bool fixed = false;
  std::map<std::string, int> handled;                       // event id -> times handled
  std::map<std::string, std::vector<std::int64_t>> firsts;  // aggregate -> versions, first time
  std::size_t order_violations = 0;
  std::size_t total = 0;

  HandlerResult handle(const Envelope& e) {
    HandlerResult result;
    signal.update([&] {
      if (!fixed) {
        result = HandlerResult::fail("not yet");
        return;
      }
      ++total;
      if (handled[e.event_id]++ > 0) return;
      std::vector<std::int64_t>& seen = firsts[e.aggregate_id];
      if (!seen.empty() && seen.back() > e.event_version) ++order_violations;
      seen.push_back(e.event_version);
    });
    return result;
  }
};

class ReplayCrash : public ::testing::TestWithParam<BrokerKind> {};

TEST_P(ReplayCrash, ABrokerKilledMidReplayLosesNoDeadLetterAndTheReplayResumes) {
  BrokerProcess broker(GetParam());
  const std::string topic = unique_name("fault", "t");
  Service service;
  BusOptions options = fault_bus_options(GetParam(), broker.address());
  options.dispatch.retry.max_attempts = 1;
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope(
                      topic, [&](const Envelope& e, const Message&) { return service.handle(e); })
                   .error());
  for (int v = 1; v <= kVersions; ++v) {
    for (int a = 0; a < kAggregates; ++a) {
      const Envelope e = make_envelope("agg-" + std::to_string(a), "T", v, "{}");
      ASSERT_FALSE(bus.publish_envelope_sync(topic, e, 20s).error);
    }
  }
  ASSERT_TRUE(poll_until(60s, [&] { return bus.stats().dead_lettered == kEvents; }))
      << bus.stats().dead_lettered << " of " << kEvents << " dead-lettered";
  service.signal.update([&] { service.fixed = true; });

  // The operator's tool: a bus of its own, replaying until a run reads everything unsettled.
  Bus tool(fault_bus_options(GetParam(), broker.address()));
  std::atomic<int> runs{0}, interrupted{0};
  std::atomic<std::uint64_t> replayed{0};
  std::atomic<bool> finished{false};
  std::thread replayer([&] {
    DeadLetterOptions replay;
    replay.timeout = 30s;
    const auto give_up = std::chrono::steady_clock::now() + 180s;
    while (std::chrono::steady_clock::now() < give_up) {
      ++runs;
      const DeadLetterReport report = tool.replay_dead_letters(topic, replay);
      replayed += report.replayed;
      if (!report.error) break;
      ++interrupted;
      std::printf("replay run %d stopped after %llu: %s\n", runs.load(),
                  static_cast<unsigned long long>(report.replayed), report.detail.c_str());
      // The broker comes back by itself (restarted below): wait for it as an operator would.
      poll_until(
          30s, [&] { return tool.health().connected; }, 100ms);
    }
    finished = true;
  });

  // The kill comes once a third has been replayed and handled: mid-replay, not timed.
  ASSERT_TRUE(service.signal.wait_for(120s, [&] { return service.handled.size() >= kEvents / 3; }));
  broker.kill9();
  std::this_thread::sleep_for(1s);  // the outage itself
  broker.restart();
  ASSERT_TRUE(poll_until(240s, [&] { return finished.load(); }));
  replayer.join();
  ASSERT_TRUE(service.signal.wait_for(120s, [&] { return service.handled.size() == kEvents; }))
      << service.handled.size() << " of " << kEvents << " handled: lost";
  const DeadLetterReport left = tool.list_dead_letters(topic);
  EXPECT_FALSE(left.error) << left.detail;
  EXPECT_TRUE(left.selected.empty()) << left.selected.size() << " dead letters left unsettled";
  ASSERT_FALSE(tool.close(10s).error);
  EXPECT_FALSE(bus.close(20s).error);

  const std::size_t duplicates = service.total - service.handled.size();
  std::printf(
      "%zu dead letters, %d replay runs (%d interrupted), %llu replay publishes acked; "
      "handled %zu times: %zu duplicates, %zu order violations\n",
      kEvents, runs.load(), interrupted.load(), static_cast<unsigned long long>(replayed.load()),
      service.total, duplicates, service.order_violations);
  EXPECT_EQ(service.order_violations, 0u);
  EXPECT_GE(interrupted.load(), 0);
  // At-least-once, two sources: a replay publish acked whose settling the crash cut off is
  // published again by the next run (NATS drops it within its duplicate window: same
  // Nats-Msg-Id), and deliveries whose ack the crash lost come again. Both are bounded by what
  // was under way at the kill (Kafka: what the service's consumer received since its last
  // commit; measured 64-103 of 300 when the group survived the outage). When the outage
  // outlasts the group's session (a slow restart: seen once in CI, 402), the consumer re-reads
  // from its last commit, which may precede the original deliveries that were dead-lettered:
  // those come again and, the handler fixed, count too. So each event comes at most twice more
  // (its original and its replay again), never without bound.
  EXPECT_LE(duplicates, 2 * kEvents);
}

INSTANTIATE_TEST_SUITE_P(, ReplayCrash, ::testing::ValuesIn(built_brokers()),
                         [](const auto& info) { return PrintToString(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ReplayCrash);

}  // namespace
}  // namespace eventbus::testing
