// SPDX-License-Identifier: Apache-2.0
// health() and the monitor against the real brokers: progress, lag, stalls, alerts and
// heartbeats through the transport itself.
#include <atomic>
#include <vector>

#include "conformance/conformance.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// Polls health() (NATS: a server round trip, hence every 20 ms) until `pred` holds; bounded.
template <typename P>
bool health_until(const Bus& bus, std::chrono::seconds timeout, P&& pred, Health* last) {
  return poll_until(
      timeout,
      [&] {
        *last = bus.health();
        return pred(*last);
      },
      20ms);
}

const SubscriptionHealth* find(const Health& h, const std::string& topic) {
  for (const auto& s : h.subscriptions)
    if (s.topic == topic) return &s;
  return nullptr;
}

TEST_P(Conformance, HealthShowsLagStallAndProgressAndAlertsOnThem) {
  const std::string topic = unique_name("conf", "t");
  Signal signal;
  bool open = false;
  int handled = 0;
  std::vector<Alert> alerts;
  auto bus = make_bus([](BusOptions& o) {
    o.monitor.interval = 50ms;
    o.monitor.stall_after = 300ms;
    o.monitor.lag_messages = 20;
  });
  bus->set_alert_handler([&](const Alert& a) { signal.update([&] { alerts.push_back(a); }); });
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope&, const Message&) {
                                         signal.wait_for(30s, [&] {
                                           return open;
                                         });  // held until the test has seen the backlog
                                         signal.update([&] { ++handled; });
                                         return HandlerResult::ok();
                                       })
                   .error());
  auto publisher = make_bus();
  for (int v = 1; v <= 40; ++v) {
    ASSERT_FALSE(publisher->publish_envelope_sync(topic, test_envelope("agg-1", v)).error);
  }
  Health h;
  EXPECT_TRUE(health_until(
      *bus, 60s,
      [&](const Health& x) {
        const auto* s = find(x, topic);
        return s && s->stalled && s->lag >= 20 && s->in_progress >= 1;
      },
      &h))
      << "lag " << (find(h, topic) ? find(h, topic)->lag : -1);
  EXPECT_TRUE(h.connected);
  EXPECT_FALSE(h.healthy()) << "a stalled subscription is not healthy";
  const auto seen = [&](AlertKind kind, bool cleared) {
    return signal.wait_for(30s, [&] {
      for (const Alert& a : alerts)
        if (a.kind == kind && a.cleared == cleared && a.topic == topic) return true;
      return false;
    });
  };
  EXPECT_TRUE(seen(AlertKind::stalled, false));
  EXPECT_TRUE(seen(AlertKind::lag, false));

  signal.update([&] { open = true; });
  ASSERT_TRUE(signal.wait_for(30s, [&] { return handled == 40; }));
  EXPECT_TRUE(health_until(
      *bus, 30s,
      [&](const Health& x) {
        const auto* s = find(x, topic);
        return s && s->lag == 0 && s->handled == 40 && !s->stalled;
      },
      &h));
  const SubscriptionHealth* s = find(h, topic);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->last_handled);
  EXPECT_GE(s->last_offset, 0);
  EXPECT_TRUE(h.healthy());
  EXPECT_TRUE(seen(AlertKind::stalled, true));
  EXPECT_TRUE(seen(AlertKind::lag, true));
  bus->close(10s);
  EXPECT_FALSE(bus->health().healthy()) << "a closed bus is not healthy";
  bus.reset();
  publisher.reset();
  EXPECT_EQ(thread_count_settling_at(thread_baseline), thread_baseline) << "monitor thread left";
}

TEST_P(Conformance, HeartbeatsTravelAndTheirAbsenceIsAlerted) {
  const std::string topic = unique_name("conf", "health");
  Signal signal;
  std::vector<Alert> alerts;
  // A watcher with nobody publishing: warning, error, critical as the misses add up.
  auto watcher = make_bus([&](BusOptions& o) {
    o.heartbeat.watch = true;
    o.heartbeat.topic = topic;
    o.heartbeat.interval = 100ms;
    o.heartbeat.timeout = 100ms;
  });
  watcher->set_alert_handler([&](const Alert& a) { signal.update([&] { alerts.push_back(a); }); });
  ASSERT_TRUE(signal.wait_for(
      30s, [&] { return !alerts.empty() && alerts.back().severity == Severity::critical; }));
  EXPECT_FALSE(watcher->health().last_heartbeat);
  // A publisher appears: the watcher sees heartbeats and clears the alert.
  auto beating = make_bus([&](BusOptions& o) {
    o.heartbeat.publish = true;
    o.heartbeat.topic = topic;
    o.heartbeat.interval = 100ms;
  });
  EXPECT_TRUE(signal.wait_for(60s, [&] {
    return !alerts.empty() && alerts.back().kind == AlertKind::heartbeat_missing &&
           alerts.back().cleared;
  }));
  EXPECT_TRUE(watcher->health().last_heartbeat);
  watcher->close(10s);
  beating->close(10s);
  watcher.reset();
  beating.reset();
  // The monitor threads (one per bus here) are gone with their buses.
  EXPECT_EQ(thread_count_settling_at(thread_baseline), thread_baseline);
  std::lock_guard lock(signal.mutex());
  ASSERT_GE(alerts.size(), 4u);
  EXPECT_EQ(alerts[0].severity, Severity::warning);
  EXPECT_EQ(alerts[1].severity, Severity::error);
  EXPECT_EQ(alerts[2].severity, Severity::critical);
}

}  // namespace
}  // namespace eventbus::testing
