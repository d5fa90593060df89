// SPDX-License-Identifier: Apache-2.0
// Metrics of real buses on the in-process transport: every counter family moves with what the
// bus did, labels say which bus, topic and group, buses sharing a client name add up, and a
// registry never reads a bus that is gone.
#include <gtest/gtest.h>

#include <atomic>

#include "eventbus/codec.hpp"
#include "eventbus/error.hpp"
#include "eventbus/metrics.hpp"
#include "support/prometheus_text.hpp"
#include "support/unique_name.hpp"
#include "support/wait.hpp"

namespace {

using namespace std::chrono_literals;
using eventbus::Bus;
using eventbus::BusOptions;
using eventbus::HandlerResult;
using eventbus::MetricsRegistry;
using eventbus::testing::parse_prometheus_text;
using eventbus::testing::poll_until;

constexpr auto kBound = 10s;

BusOptions memory_bus(const std::string& client) {
  BusOptions options;
  options.transport = "memory";
  options.memory.broker = eventbus::testing::unique_name("metrics-test", "broker");
  options.client_name = client;
  options.group = "billing";
  options.dispatch.retry.initial_backoff = 1ms;
  options.dispatch.retry.max_attempts = 2;
  return options;
}

eventbus::Envelope envelope(int version) {
  return eventbus::make_envelope("order-1", "OrderPlaced", version, R"({"n":1})");
}

TEST(MetricsRegistry, CountersFollowWhatTheBusDid) {
  Bus bus(memory_bus("svc"));
  std::atomic<int> runs{0};
  ASSERT_FALSE(bus.subscribe_envelope("orders",
                                      [&](const eventbus::Envelope& e, const eventbus::Message&) {
                                        ++runs;
                                        // Version 3 always fails: 2 attempts, then the dead-letter
                                        // topic.
                                        return e.event_version == 3 ? HandlerResult::fail("no")
                                                                    : HandlerResult::ok();
                                      })
                   .error());
  for (int v = 1; v <= 4; ++v)
    ASSERT_FALSE(bus.publish_envelope("orders", envelope(v)));
  ASSERT_FALSE(bus.publish("orders", "not an envelope"));
  EXPECT_EQ(bus.publish("bad topic", "x"), eventbus::errc::invalid_topic);
  const std::string big(2 << 20, 'x');  // over memory.max_message_bytes: fails on completion
  ASSERT_FALSE(bus.publish("big", big));
  ASSERT_TRUE(poll_until(kBound, [&] {
    const auto s = bus.stats();
    return s.handled == 3 && s.dead_lettered == 2 && s.acked + s.failed == s.published;
  }));

  const auto m = parse_prometheus_text(bus.metrics_text());
  const eventbus::testing::PromLabels orders{
      {"transport", "memory"}, {"client", "svc"}, {"topic", "orders"}};
  auto group = orders;
  group["group"] = "billing";
  EXPECT_EQ(m.value("eventbus_published_total", orders), 5);
  EXPECT_EQ(m.value("eventbus_acked_total", orders), 5);
  EXPECT_EQ(m.value("eventbus_delivered_total", group), 5);
  EXPECT_EQ(m.value("eventbus_handled_total", group), 3);
  EXPECT_EQ(m.value("eventbus_handler_failures_total", group), 2);
  EXPECT_EQ(m.value("eventbus_retries_total", group), 1);
  EXPECT_EQ(m.value("eventbus_dead_letters_total", group), 2) << "version 3 and the garbage";
  EXPECT_EQ(m.value("eventbus_decode_errors_total", group), 1);
  EXPECT_EQ(m.histogram("eventbus_handler_seconds", group).count, 5) << "runs, decode errors not";
  EXPECT_EQ(m.value("eventbus_published_total", {{"topic", "orders.dlq"}}), 2);
  EXPECT_EQ(
      m.value("eventbus_rejected_total", {{"topic", "(invalid)"}, {"error", "invalid_topic"}}), 1);
  EXPECT_EQ(
      m.value("eventbus_publish_failed_total", {{"topic", "big"}, {"error", "message_too_large"}}),
      1);
  EXPECT_EQ(m.histogram("eventbus_publish_ack_seconds", orders).count, 5);
  EXPECT_EQ(m.histogram("eventbus_publish_call_seconds", orders).count, 5);
  EXPECT_EQ(m.value("eventbus_up", {{"client", "svc"}}), 1);
  EXPECT_EQ(m.value("eventbus_in_flight_publishes", {{"client", "svc"}}), 0);
  EXPECT_GT(m.value("eventbus_process_threads").value_or(0), 1);
  EXPECT_EQ(runs.load(), 5);
}

TEST(MetricsRegistry, BusesAreToldApartByClientAndAddUpWhenTheyShareIt) {
  Bus a(memory_bus("alpha")), b(memory_bus("beta")), c(memory_bus("beta"));
  ASSERT_FALSE(a.publish_envelope_sync("t", envelope(1), kBound).error);
  ASSERT_FALSE(b.publish_envelope_sync("t", envelope(1), kBound).error);
  ASSERT_FALSE(c.publish_envelope_sync("t", envelope(2), kBound).error);
  MetricsRegistry registry;
  registry.add(a);
  registry.add(b);
  registry.add(c);
  registry.add(c);  // once only
  EXPECT_EQ(registry.size(), 3u);
  const auto m = parse_prometheus_text(registry.text());
  EXPECT_EQ(m.value("eventbus_acked_total", {{"client", "alpha"}}), 1);
  EXPECT_EQ(m.value("eventbus_acked_total", {{"client", "beta"}}), 2) << "b and c add up";
  EXPECT_EQ(m.value("eventbus_up", {{"client", "beta"}}), 2) << "two open buses";
}

TEST(MetricsRegistry, ADestroyedOrRemovedBusDropsOut) {
  MetricsRegistry registry;
  auto kept = std::make_unique<Bus>(memory_bus("kept"));
  registry.add(*kept);
  MetricsRegistry copy = registry;  // shares the set
  {
    Bus gone(memory_bus("gone"));
    registry.add(gone);
    EXPECT_EQ(copy.size(), 2u);
  }
  EXPECT_EQ(copy.size(), 1u);
  const std::string text = copy.text();
  EXPECT_EQ(text.find("client=\"gone\""), std::string::npos) << text;
  EXPECT_NE(text.find("client=\"kept\""), std::string::npos);
  EXPECT_TRUE(registry.remove(*kept));
  EXPECT_FALSE(registry.remove(*kept));
  EXPECT_EQ(copy.text().find("client=\"kept\""), std::string::npos);
  kept.reset();
  EXPECT_EQ(registry.size(), 0u);
}

TEST(MetricsRegistry, ClientNamesAreEscapedAndCloseTurnsUpOff) {
  Bus bus(memory_bus("say \"hi\"\\"));
  ASSERT_FALSE(bus.close(5s).error);
  const auto m = parse_prometheus_text(bus.metrics_text());
  EXPECT_EQ(m.value("eventbus_up", {{"client", "say \"hi\"\\"}}), 0);
}

TEST(MetricsRegistry, PrometheusTextSkipsNullBuses) {
  Bus bus(memory_bus("one"));
  const Bus* buses[] = {&bus, nullptr};
  const auto m = parse_prometheus_text(eventbus::prometheus_text(buses));
  EXPECT_EQ(m.value("eventbus_up", {{"client", "one"}}), 1);
}

}  // namespace
