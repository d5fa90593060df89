// SPDX-License-Identifier: Apache-2.0
// The Subscription handle: pause holds messages back and resume lets them through; unsubscribe
// lets handed-on messages finish and ends handling, leaving the rest to the group; the handle
// refuses what it cannot do, naming why.
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST_P(Conformance, PauseHoldsMessagesBackUntilResume) {
  const std::string topic = unique_name("conf", "t");
  Signal signal;
  std::set<std::string> handled;
  auto bus = make_bus();
  Subscription sub = bus->subscribe(topic, [&](const Message& m) {
    signal.update([&] { handled.emplace(m.payload); });
    return HandlerResult::ok();
  });
  ASSERT_FALSE(sub.error()) << sub.error().message();
  EXPECT_EQ(sub.topic(), topic);
  ASSERT_FALSE(bus->publish(topic, "before"));
  ASSERT_TRUE(signal.wait_for(20s, [&] { return handled.count("before") == 1; }));

  ASSERT_FALSE(sub.pause());
  EXPECT_TRUE(sub.paused());
  EXPECT_TRUE(bus->health().subscriptions.at(0).paused);
  ASSERT_FALSE(bus->publish_envelope_sync(topic, test_envelope("a-1", 1), 20s).error);
  ASSERT_FALSE(bus->publish(topic, "while paused"));
  // Both are stored (the sync publish was acked); while paused neither may be handled. The
  // bound is a wait for something that must not happen: long enough for a delivery to arrive.
  EXPECT_FALSE(signal.wait_for(1500ms, [&] { return handled.size() > 1; }))
      << "a message was handled while paused";

  ASSERT_FALSE(sub.resume());
  EXPECT_FALSE(sub.paused());
  EXPECT_TRUE(signal.wait_for(20s, [&] { return handled.count("while paused") == 1; }));
}

TEST_P(Conformance, UnsubscribeLetsHandedOnMessagesFinishThenStops) {
  const std::string topic = unique_name("conf", "t");
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> handled;
  bool started = false, release = false;
  auto bus = make_bus();
  Subscription sub = bus->subscribe(topic, [&](const Message& m) {
    std::unique_lock lock(mutex);
    started = true;
    changed.notify_all();
    changed.wait(lock, [&] { return release; });  // held until the test lets it go
    handled.emplace_back(m.payload);
    changed.notify_all();
    return HandlerResult::ok();
  });
  ASSERT_FALSE(sub.error());
  ASSERT_FALSE(bus->publish(topic, "in the handler"));
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(changed.wait_for(lock, 20s, [&] { return started; }));
  }
  // Its handler still runs at the deadline: the call says so.
  EXPECT_EQ(sub.unsubscribe(200ms), errc::close_incomplete);
  {
    std::unique_lock lock(mutex);
    release = true;
    changed.notify_all();
    ASSERT_TRUE(changed.wait_for(lock, 20s, [&] { return handled.size() == 1; }));
  }
  EXPECT_EQ(sub.unsubscribe(1s), errc::closed) << "a second unsubscribe";
  EXPECT_EQ(sub.pause(), errc::closed);
  EXPECT_TRUE(bus->health().subscriptions.empty()) << "an ended subscription is not reported";

  ASSERT_FALSE(bus->publish_envelope_sync(topic, test_envelope("a-1", 1), 20s).error);
  {
    std::unique_lock lock(mutex);
    EXPECT_FALSE(changed.wait_for(lock, 1500ms, [&] { return handled.size() > 1; }))
        << "handled after unsubscribe";
  }

  // Subscribed again (same group), the message stored meanwhile arrives: nothing was lost; the
  // one handled before was acked and does not come again.
  Signal again;
  std::vector<std::string> second_got;
  Subscription second = bus->subscribe(topic, [&](const Message& m) {
    again.update([&] { second_got.emplace_back(m.payload); });
    return HandlerResult::ok();
  });
  ASSERT_FALSE(second.error());
  EXPECT_TRUE(again.wait_for(30s, [&] { return !second_got.empty(); }));
  ASSERT_FALSE(second.unsubscribe(10s));
  std::lock_guard lock(again.mutex());
  for (const std::string& payload : second_got)
    EXPECT_NE(payload, "in the handler") << "a handled message came again";
}

TEST_P(Conformance, UnsubscribeFromItsOwnHandlerIsRefused) {
  const std::string topic = unique_name("conf", "t");
  Signal signal;
  std::optional<std::error_code> from_handler;
  auto bus = make_bus();
  Subscription sub;
  std::mutex sub_mutex;
  std::unique_lock hold(sub_mutex);  // the handler reads `sub` once it is assigned
  sub = bus->subscribe(topic, [&](const Message&) {
    std::lock_guard lock(sub_mutex);
    const std::error_code ec = sub.unsubscribe(1s);
    signal.update([&] { from_handler = ec; });
    return HandlerResult::ok();
  });
  hold.unlock();
  ASSERT_FALSE(sub.error());
  ASSERT_FALSE(bus->publish(topic, "x"));
  ASSERT_TRUE(signal.wait_for(20s, [&] { return from_handler.has_value(); }));
  EXPECT_EQ(*from_handler, errc::close_from_handler);
  EXPECT_FALSE(sub.unsubscribe(10s)) << "from another thread it works";
}

// An ended subscription's fetcher is joined by unsubscribe (memory, NATS; a Kafka group member
// serves all of a group's topics from one thread), and close leaves the baseline.
TEST_P(Conformance, UnsubscribeJoinsItsFetcherAndCloseLeavesNoThread) {
  auto ok = [](const Message&) { return HandlerResult::ok(); };
  auto bus = make_bus();
  ASSERT_FALSE(bus->subscribe(unique_name("conf", "t"), ok).error());
  const std::size_t with_one = process_thread_count();
  Subscription second = bus->subscribe(unique_name("conf", "t"), ok);
  ASSERT_FALSE(second.error());
  ASSERT_FALSE(second.unsubscribe(10s));
  EXPECT_EQ(thread_count_settling_at(with_one), with_one) << "the ended subscription's thread";
  EXPECT_FALSE(bus->close(10s).error);
  bus.reset();
  EXPECT_EQ(thread_count_settling_at(thread_baseline), thread_baseline);
}

TEST_P(Conformance, SubscriptionAfterItsBusClosedSaysClosed) {
  Subscription failed;
  Subscription sub;
  {
    auto bus = make_bus();
    sub = bus->subscribe(unique_name("conf", "t"),
                         [](const Message&) { return HandlerResult::ok(); });
    ASSERT_FALSE(sub.error());
    failed = bus->subscribe("bad topic", [](const Message&) { return HandlerResult::ok(); });
    EXPECT_EQ(failed.error(), errc::invalid_topic);
    EXPECT_EQ(failed.pause(), errc::closed);
    EXPECT_FALSE(bus->close(10s).error);
    EXPECT_EQ(sub.pause(), errc::closed) << "closed bus";
    EXPECT_EQ(sub.unsubscribe(1s), errc::closed);
  }
  // The bus is gone: the handle still answers.
  EXPECT_EQ(sub.resume(), errc::closed);
  EXPECT_EQ(sub.unsubscribe(1s), errc::closed);
  EXPECT_FALSE(sub.paused());
  EXPECT_EQ(Subscription().error(), errc::closed);
}

}  // namespace
}  // namespace eventbus::testing
