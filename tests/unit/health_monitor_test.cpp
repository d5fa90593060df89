// SPDX-License-Identifier: Apache-2.0
// The monitor's pieces without a broker: alert bookkeeping, the heartbeat message, the
// monitor thread driven by fake samples, and subscription progress.
#include <gtest/gtest.h>

#include <vector>

#include "core/health/alert_tracker.hpp"
#include "core/health/bus_monitor.hpp"
#include "core/health/heartbeat_message.hpp"
#include "core/health/subscription_progress.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

Alert lag_alert() {
  Alert a;
  a.kind = AlertKind::lag;
  a.topic = "orders";
  a.group = "g";
  return a;
}

TEST(AlertTracker, RaisesOnceEscalatesAndClearsOnce) {
  core::AlertTracker tracker;
  EXPECT_FALSE(tracker.update(lag_alert(), std::nullopt)) << "nothing to clear";
  auto raised = tracker.update(lag_alert(), Severity::warning);
  ASSERT_TRUE(raised);
  EXPECT_FALSE(raised->cleared);
  EXPECT_EQ(raised->severity, Severity::warning);
  EXPECT_FALSE(tracker.update(lag_alert(), Severity::warning)) << "unchanged: silent";
  auto worse = tracker.update(lag_alert(), Severity::critical);
  ASSERT_TRUE(worse);
  EXPECT_EQ(worse->severity, Severity::critical);
  EXPECT_FALSE(tracker.update(lag_alert(), Severity::error)) << "lower while raised: silent";
  auto cleared = tracker.update(lag_alert(), std::nullopt);
  ASSERT_TRUE(cleared);
  EXPECT_TRUE(cleared->cleared);
  EXPECT_FALSE(tracker.update(lag_alert(), std::nullopt));
  Alert other = lag_alert();
  other.topic = "payments";
  EXPECT_TRUE(tracker.update(other, Severity::warning)) << "each topic on its own";
}

TEST(HeartbeatMessage, RoundTripsAndNamesWhatIsWrong) {
  core::HeartbeatMessage beat{"id-1", Timestamp::now(), "svc-a", "kafka"};
  std::string error;
  const auto back = core::decode_heartbeat(core::encode_heartbeat(beat), error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->message_id, "id-1");
  EXPECT_EQ(back->source, "svc-a");
  EXPECT_EQ(back->bus_type, "kafka");
  EXPECT_EQ(back->timestamp, beat.timestamp);

  EXPECT_FALSE(core::decode_heartbeat("{nope", error));
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
  EXPECT_FALSE(core::decode_heartbeat("[1]", error));
  EXPECT_NE(error.find("not a JSON object"), std::string::npos) << error;
  EXPECT_FALSE(
      core::decode_heartbeat(R"({"messageId":"x","timestamp":"2026-01-01T00:00:00Z"})", error));
  EXPECT_NE(error.find("source"), std::string::npos) << error;
  EXPECT_FALSE(
      core::decode_heartbeat(R"({"messageId":"x","timestamp":"yesterday","source":"s"})", error));
  EXPECT_NE(error.find("timestamp"), std::string::npos) << error;
}

// A monitor fed by a Health the test sets, recording the alerts it raises.
struct FakeBus {
  Signal signal;
  Health health;                                       // guarded by signal
  std::pair<std::uint64_t, std::uint64_t> acks{0, 0};  // guarded by signal
  std::vector<Alert> alerts;                           // guarded by signal

  core::BusMonitor::Hooks hooks() {
    core::BusMonitor::Hooks h;
    h.sample = [this] {
      std::lock_guard lock(signal.mutex());
      return health;
    };
    h.ack_totals = [this] {
      std::lock_guard lock(signal.mutex());
      return acks;
    };
    h.publish = [](std::string) {};
    return h;
  }
  void on_alert(const Alert& a) {
    signal.update([&] { alerts.push_back(a); });
  }
  bool saw(AlertKind kind, bool cleared, std::chrono::milliseconds timeout = 5s) {
    return signal.wait_for(timeout, [&] {
      for (const Alert& a : alerts)
        if (a.kind == kind && a.cleared == cleared) return true;
      return false;
    });
  }
};

TEST(BusMonitor, PublisherThresholdsAndConnectionRaiseAndClear) {
  BusOptions options;
  options.monitor.interval = 10ms;
  options.monitor.in_flight = 100;
  options.monitor.ack_latency = 50ms;
  FakeBus bus;
  bus.health.connected = true;
  core::BusMonitor monitor(options, std::make_shared<const core::Log>(), bus.hooks());
  monitor.set_handler([&](const Alert& a) { bus.on_alert(a); });
  monitor.start();

  bus.signal.update([&] {
    bus.health.publish_in_flight = 150;
    bus.health.connected = false;
    bus.acks = {10 * 80'000'000ull, 10};  // 10 acks, 80 ms each
  });
  EXPECT_TRUE(bus.saw(AlertKind::in_flight, false));
  EXPECT_TRUE(bus.saw(AlertKind::disconnected, false));
  EXPECT_TRUE(bus.saw(AlertKind::ack_latency, false));
  bus.signal.update([&] {
    bus.health.publish_in_flight = 5;
    bus.health.connected = true;
    bus.acks = {bus.acks.first + 10 * 1'000'000ull, 20};  // 10 more at 1 ms
  });
  EXPECT_TRUE(bus.saw(AlertKind::in_flight, true));
  EXPECT_TRUE(bus.saw(AlertKind::disconnected, true));
  EXPECT_TRUE(bus.saw(AlertKind::ack_latency, true));
  monitor.stop();
  std::lock_guard lock(bus.signal.mutex());
  for (const Alert& a : bus.alerts) {
    if (a.kind == AlertKind::ack_latency && !a.cleared) {
      EXPECT_DOUBLE_EQ(a.value, 80.0);
      EXPECT_DOUBLE_EQ(a.threshold, 50.0);
    }
  }
}

TEST(BusMonitor, LagLagAgeAndStallPerSubscription) {
  BusOptions options;
  options.monitor.interval = 10ms;
  options.monitor.lag_messages = 50;
  options.monitor.lag_age = 100ms;
  FakeBus bus;
  bus.health.connected = true;
  SubscriptionHealth s;
  s.topic = "orders";
  s.group = "g";
  s.lag = 80;
  s.stalled = true;
  bus.health.subscriptions.push_back(s);
  PartitionLag p;
  p.topic = "orders";
  p.group = "g";
  p.pending = 80;
  bus.health.lag.push_back(p);
  core::BusMonitor monitor(options, std::make_shared<const core::Log>(), bus.hooks());
  monitor.set_handler([&](const Alert& a) { bus.on_alert(a); });
  monitor.start();
  EXPECT_TRUE(bus.saw(AlertKind::lag, false));
  EXPECT_TRUE(bus.saw(AlertKind::stalled, false));
  EXPECT_TRUE(bus.saw(AlertKind::lag_age, false));
  bus.signal.update([&] {
    bus.health.subscriptions[0].lag = 0;
    bus.health.subscriptions[0].stalled = false;
    bus.health.lag[0].pending = 0;
  });
  EXPECT_TRUE(bus.saw(AlertKind::lag, true));
  EXPECT_TRUE(bus.saw(AlertKind::stalled, true));
  EXPECT_TRUE(bus.saw(AlertKind::lag_age, true));
}

TEST(BusMonitor, MissingHeartbeatsEscalateThenClear) {
  BusOptions options;
  options.heartbeat.watch = true;
  options.heartbeat.interval = 40ms;
  options.heartbeat.timeout = 20ms;
  FakeBus bus;
  core::BusMonitor monitor(options, std::make_shared<const core::Log>(), bus.hooks());
  monitor.set_handler([&](const Alert& a) { bus.on_alert(a); });
  monitor.start();
  ASSERT_TRUE(bus.signal.wait_for(
      5s, [&] { return !bus.alerts.empty() && bus.alerts.back().severity == Severity::critical; }));
  {
    std::lock_guard lock(bus.signal.mutex());
    ASSERT_GE(bus.alerts.size(), 3u);
    EXPECT_EQ(bus.alerts[0].severity, Severity::warning);
    EXPECT_EQ(bus.alerts[1].severity, Severity::error);
    EXPECT_EQ(bus.alerts[2].severity, Severity::critical);
  }
  EXPECT_FALSE(monitor.last_heartbeat());
  monitor.heartbeat_received({"id", Timestamp::now(), "svc", "memory"});
  EXPECT_TRUE(bus.saw(AlertKind::heartbeat_missing, true));
  EXPECT_TRUE(monitor.last_heartbeat());
  // History (older than interval + timeout) is not a sign of life.
  core::HeartbeatMessage old{"id", Timestamp::now(), "svc", "memory"};
  old.timestamp.utc -= std::chrono::hours(1);
  const auto before = monitor.last_heartbeat();
  monitor.heartbeat_received(old);
  EXPECT_EQ(monitor.last_heartbeat(), before);
}

TEST(SubscriptionProgress, StalledOnlyWithWorkAndNoFinishedHandler) {
  core::SubscriptionProgress progress;
  SubscriptionHealth h;
  const auto later = core::SubscriptionProgress::Clock::now() + 10s;
  progress.fill(h, later, 1s);
  EXPECT_FALSE(h.stalled) << "idle is not stalled";
  EXPECT_FALSE(h.last_handled);
  progress.accepted();
  progress.fill(h, later, 1s);
  EXPECT_EQ(h.in_progress, 1u);
  EXPECT_TRUE(h.stalled);
  progress.fill(h, core::SubscriptionProgress::Clock::now(), 1s);
  EXPECT_FALSE(h.stalled) << "work that just arrived";
  progress.handler_returned(true, 3, 42);
  progress.finished();
  progress.fill(h, later, 1s);
  EXPECT_EQ(h.in_progress, 0u);
  EXPECT_EQ(h.handled, 1u);
  EXPECT_EQ(h.last_partition, 3);
  EXPECT_EQ(h.last_offset, 42);
  EXPECT_TRUE(h.last_handled);
  EXPECT_FALSE(h.stalled);
}

TEST(HealthOptions, ValidationNamesTheOption) {
  const auto detail_of = [](auto tweak) {
    BusOptions o;
    tweak(o);
    std::string detail;
    EXPECT_TRUE(o.validate(&detail));
    return detail;
  };
  EXPECT_NE(detail_of([](BusOptions& o) { o.heartbeat.interval = 0ms; }).find("heartbeat.interval"),
            std::string::npos);
  EXPECT_NE(detail_of([](BusOptions& o) { o.heartbeat.error_misses = 1; }).find("error_misses"),
            std::string::npos);
  EXPECT_NE(detail_of([](BusOptions& o) { o.monitor.stall_after = 0ms; }).find("stall_after"),
            std::string::npos);
  EXPECT_NE(detail_of([](BusOptions& o) { o.monitor.lag_messages = -1; }).find("lag_messages"),
            std::string::npos);
}

}  // namespace
}  // namespace eventbus::testing
