// Every thread a NATS bus starts is joined by close(): nats.c's per-connection threads, the
// JetStream ones, the fetchers of its subscriptions and the dispatcher's workers.
#include "nats/nats_test.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

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
    ASSERT_FALSE(bus.subscribe_envelope(prefix + "." + std::to_string(t), handler));
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
  warm_up_threads();
  // nats.c starts 3 process-wide threads on first use and keeps them until nats_Close().
  cycle(url, unique_name("warm"));
  const std::size_t baseline = process_thread_count();
  for (int i = 0; i < 20; ++i) {
    cycle(url, unique_name(std::to_string(i)));
    ASSERT_EQ(thread_count_settling_at(baseline), baseline) << "thread leaked in cycle " << i;
  }
}

TEST(NatsThreads, ABusWithThreeSubscriptionsRunsTheThreadsItDocuments) {
  const std::string url = shared_nats_url();
  warm_up_threads();
  cycle(url, unique_name("warm"));
  const std::size_t baseline = process_thread_count();
  BusOptions options = nats_bus_options(url);
  options.dispatch.workers = 4;
  Bus bus(options);
  const std::string prefix = unique_name("t");
  for (int t = 0; t < 3; ++t) {
    ASSERT_FALSE(bus.subscribe(prefix + "." + std::to_string(t),
                               [](const Message&) { return HandlerResult::ok(); }));
  }
  ASSERT_FALSE(bus.publish_envelope_sync(prefix + ".0", make_envelope("a", "E", 1, "{}"), 10s)
                   .error);
  // 2 per connection + 1 JetStream API + 1 async-publish acks, 3 fetchers, 4 workers; nats.c
  // may add a timer for the publish ack timeout, so allow one more.
  const std::size_t running = process_thread_count() - baseline;
  EXPECT_GE(running, 2u + 1u + 3u + 4u);
  EXPECT_LE(running, 2u + 1u + 1u + 3u + 4u + 1u);
  bus.close(10s);
  EXPECT_EQ(thread_count_settling_at(baseline), baseline);
}

}  // namespace
}  // namespace eventbus::testing
