// SPDX-License-Identifier: Apache-2.0
// The metrics endpoint against real traffic: publish and handle N envelopes on the transport
// under test, scrape /metrics over HTTP with a real client, parse the text and check that it
// says what happened; then the server's threads are gone after stop().
#include <httplib.h>

#include "conformance/conformance.hpp"
#include "eventbus/metrics_server.hpp"
#include "support/prometheus_text.hpp"
#include "support/threads.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

TEST_P(Conformance, MetricsEndpointReportsRealTraffic) {
  constexpr int kMessages = 40;
  const std::string topic = unique_name("conf", "t");
  Signal signal;  // before the bus: its threads signal until the bus is destroyed
  int handled = 0, acked = 0;
  auto bus = make_bus([](BusOptions& o) { o.client_name = "metrics-endpoint"; });
  ASSERT_FALSE(bus->subscribe_envelope(topic,
                                       [&](const Envelope&, const Message&) {
                                         signal.update([&] { ++handled; });
                                         return HandlerResult::ok();
                                       })
                   .error());
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_FALSE(bus->publish_envelope(
        topic, test_envelope("agg-" + std::to_string(i % 4), i / 4 + 1),
        [&](const PublishResult& r) { signal.update([&] { acked += r.error ? 0 : 1; }); }));
  }
  ASSERT_TRUE(signal.wait_for(20s, [&] { return acked == kMessages && handled == kMessages; }))
      << acked << " acked, " << handled << " handled";
  // The handled count moves just after a handler returns.
  ASSERT_TRUE(poll_until(5s, [&] { return bus->stats().handled == kMessages; }));

  MetricsRegistry registry;
  registry.add(*bus);
  const std::size_t threads_before = process_thread_count();
  MetricsServer server(registry, {.address = "127.0.0.1", .port = 0});
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(thread_count_settling_at(threads_before + MetricsServer::kThreads),
            threads_before + MetricsServer::kThreads);

  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(5s);
  client.set_read_timeout(5s);
  const httplib::Result scrape = client.Get("/metrics");
  ASSERT_TRUE(scrape) << httplib::to_string(scrape.error());
  EXPECT_EQ(scrape->status, 200);
  EXPECT_EQ(scrape->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  PromExposition metrics;
  ASSERT_NO_THROW(metrics = parse_prometheus_text(scrape->body)) << scrape->body;

  const std::string transport = GetParam().name;
  const PromLabels publishing{
      {"transport", transport}, {"client", "metrics-endpoint"}, {"topic", topic}};
  PromLabels consuming = publishing;
  consuming["group"] = group;
  EXPECT_EQ(metrics.value("eventbus_published_total", publishing), kMessages) << scrape->body;
  EXPECT_EQ(metrics.value("eventbus_acked_total", publishing), kMessages);
  EXPECT_EQ(metrics.value("eventbus_handled_total", consuming), kMessages);
  EXPECT_EQ(metrics.value("eventbus_delivered_total", consuming), kMessages);
  EXPECT_EQ(metrics.value("eventbus_handler_failures_total", consuming), 0);
  PromHistogram ack;
  ASSERT_NO_THROW(ack = metrics.histogram("eventbus_publish_ack_seconds", publishing));
  EXPECT_EQ(ack.count, kMessages);
  EXPECT_EQ(ack.buckets.back().second, kMessages) << "+Inf holds every observation";
  EXPECT_GT(ack.sum, 0);
  EXPECT_EQ(metrics.histogram("eventbus_handler_seconds", consuming).count, kMessages);
  EXPECT_EQ(metrics.value("eventbus_up", {{"transport", transport}}), 1);
  EXPECT_EQ(metrics.value("eventbus_in_flight_publishes", {{"transport", transport}}), 0);
  ASSERT_TRUE(metrics.families.count("eventbus_published_total"));
  EXPECT_EQ(metrics.families.at("eventbus_published_total").type, "counter");
  EXPECT_EQ(metrics.families.at("eventbus_publish_ack_seconds").type, "histogram");
  EXPECT_EQ(metrics.families.at("eventbus_reconnects_total").type, "counter");
  EXPECT_EQ(metrics.value("eventbus_reconnects_total", {{"transport", transport}}), 0);

  const httplib::Result elsewhere = client.Get("/other");
  ASSERT_TRUE(elsewhere) << httplib::to_string(elsewhere.error());
  EXPECT_EQ(elsewhere->status, 404);

  const auto stop_started = std::chrono::steady_clock::now();
  server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, 3s);
  EXPECT_EQ(thread_count_settling_at(threads_before), threads_before);
}

}  // namespace
}  // namespace eventbus::testing
