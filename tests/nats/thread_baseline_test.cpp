// SPDX-License-Identifier: Apache-2.0
// Every thread a NATS bus starts is joined by close(): nats.c's per-connection threads, the
// JetStream ones, the fetchers of its subscriptions and the dispatcher's workers.
#include "nats/nats_test.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// Threads of this process before its first bus: taken by a global environment, which runs
// before any test of the binary. A baseline read after a bus closed could still count a
// thread that nats.c ends a moment later.
std::size_t g_before_any_bus = 0;

class ThreadBaseline : public ::testing::Environment {
 public:
  void SetUp() override {
    warm_up_threads();
    g_before_any_bus = process_thread_count();
  }
};
[[maybe_unused]] const auto* const kThreadBaseline =
    ::testing::AddGlobalTestEnvironment(new ThreadBaseline);

// The count a process with no bus open must be back to: plus nats.c's process-wide threads,
// which the probe bus starts if no test before did.
std::size_t baseline_with_library(const std::string& url) {
  const BusOptions options = nats_bus_options(url);
  { Bus probe(options); }
  return g_before_any_bus + library_threads(options);
}

// Creates a bus, subscribes to three topics, publishes to each, waits for every message to
// be handled and closes.
void cycle(const std::string& url, const std::string& prefix) {
  Signal signal;  // before the bus: its handlers use them until it is closed
  int handled = 0;
  Bus bus(nats_bus_options(url));
  const auto handler = [&](const Envelope&, const Message&) {
    signal.update([&] { ++handled; });
    return HandlerResult::ok();
  };
  for (int t = 0; t < 3; ++t)
    ASSERT_FALSE(bus.subscribe_envelope(prefix + "." + std::to_string(t), handler).error());
  for (int t = 0; t < 3; ++t) {
    for (int v = 1; v <= 3; ++v) {
      ASSERT_FALSE(bus.publish_envelope(prefix + "." + std::to_string(t),
                                        make_envelope("a" + std::to_string(t), "E", v, "{}")));
    }
  }
  ASSERT_TRUE(signal.wait_for(20s, [&] { return handled == 9; }));
  const CloseReport report = bus.close(10s);
  EXPECT_FALSE(report.error) << report.error.message();
}

TEST(NatsThreads, TwentyCyclesWithThreeSubscriptionsEachKeepTheBaseline) {
  const std::string url = shared_nats_url();
  // nats.c starts 3 process-wide threads on first use and keeps them until nats_Close().
  const std::size_t baseline = baseline_with_library(url);
  for (int i = 0; i < 20; ++i) {
    cycle(url, unique_name("nats", std::to_string(i)));
    ASSERT_EQ(thread_count_settling_at(baseline), baseline) << "thread leaked in cycle " << i;
  }
}

TEST(NatsThreads, ABusWithThreeSubscriptionsRunsTheThreadsItDocuments) {
  const std::string url = shared_nats_url();
  const std::size_t baseline = baseline_with_library(url);
  ASSERT_EQ(thread_count_settling_at(baseline), baseline);
  BusOptions options = nats_bus_options(url);
  options.dispatch.workers = 4;
  Bus bus(options);
  const std::string prefix = unique_name("nats", "t");
  for (int t = 0; t < 3; ++t) {
    ASSERT_FALSE(bus.subscribe(prefix + "." + std::to_string(t),
                               [](const Message&) { return HandlerResult::ok(); })
                     .error());
  }
  ASSERT_FALSE(
      bus.publish_envelope_sync(prefix + ".0", make_envelope("a", "E", 1, "{}"), 10s).error);
  // docs/client-facts.md: nats.c's 2 per connection and 1 per context that publishes async
  // (the ack timeout timer runs on its process-wide timer thread; the bus's API requests use
  // inboxes of their own, not nats.c's request-reply subscription and its thread); the topic
  // preparer; then 3 fetchers and 4 lane workers.
  EXPECT_EQ(process_thread_count() - baseline, 2u + 1u + 1u + 3u + 4u);
  bus.close(10s);
  EXPECT_EQ(thread_count_settling_at(baseline), baseline);
}

}  // namespace
}  // namespace eventbus::testing
