// SPDX-License-Identifier: Apache-2.0
// eventbus::prometheus_cpp: the buses' metrics read through prometheus-cpp are the same series
// with the same values as MetricsRegistry::text(), and sit next to an application's own
// prometheus::Registry in one scrape.
#include "eventbus/adapters/prometheus_cpp.hpp"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "eventbus/eventbus.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {
namespace {

using namespace std::chrono_literals;

// "name{labels} value" lines by series; `le` read as a number, since the two writers format
// bucket bounds differently. The process thread count is left out: it may move between reads.
std::map<std::string, double> series_of(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line.rfind("eventbus_process_threads", 0) == 0) {
      continue;
    }
    const std::size_t space = line.rfind(' ');
    std::string series = line.substr(0, space);
    const std::size_t le = series.find("le=\"");
    if (le != std::string::npos) {
      const std::size_t end = series.find('"', le + 4);
      const std::string bound = series.substr(le + 4, end - le - 4);
      const double value = bound == "+Inf" ? 1e308 : std::stod(bound);
      series = series.substr(0, le) + "le=" + std::to_string(value) + series.substr(end + 1);
    }
    out[series] = std::stod(line.substr(space + 1));
  }
  return out;
}

std::string serialized(const std::vector<prometheus::MetricFamily>& families) {
  return prometheus::TextSerializer().Serialize(families);
}

TEST(PrometheusCppAdapter, SameSeriesAndValuesAsTheTextExposition) {
  Signal signal;
  int handled = 0;
  BusOptions options;
  options.transport = "memory";
  Bus bus(options);
  ASSERT_FALSE(bus.subscribe_envelope("orders",
                                      [&](const Envelope&, const Message&) {
                                        signal.update([&] { ++handled; });
                                        return HandlerResult::ok();
                                      })
                   .error());
  for (int i = 1; i <= 5; ++i) {
    ASSERT_FALSE(bus.publish_envelope_sync("orders", make_envelope("a-1", "T", i, "{}"), 5s).error);
  }
  ASSERT_TRUE(signal.wait_for(10s, [&] { return handled == 5; }));
  MetricsRegistry buses;
  buses.add(bus);
  // The handled counter moves just after the handler returns: read once it shows all five.
  ASSERT_TRUE(poll_until(5s, [&] { return bus.stats().handled == 5; }));

  prometheus_cpp::BusCollectable collectable(buses);
  // Gauges (lanes busy, queued) settle just after the last handler: compare once the text reads
  // the same before and after the collection, so both saw one state.
  std::vector<prometheus::MetricFamily> families;
  std::map<std::string, double> ours, theirs;
  const bool settled = poll_until(5s, [&] {
    ours = series_of(buses.text());
    families = collectable.Collect();
    theirs = series_of(serialized(families));
    return series_of(buses.text()) == ours;
  });
  ASSERT_TRUE(settled) << "the bus's metrics kept moving";
  EXPECT_EQ(theirs, ours);
  EXPECT_GT(ours.size(), 20u);
  bool published_seen = false;
  for (const auto& [series, value] : theirs) {
    if (series.rfind("eventbus_published_total{", 0) == 0 &&
        series.find("topic=\"orders\"") != std::string::npos) {
      EXPECT_EQ(value, 5);
      published_seen = true;
    }
  }
  EXPECT_TRUE(published_seen);
  for (const prometheus::MetricFamily& f : families) {
    if (f.name == "eventbus_handler_seconds") {
      EXPECT_EQ(f.type, prometheus::MetricType::Histogram);
      ASSERT_FALSE(f.metric.empty());
      EXPECT_EQ(f.metric[0].histogram.sample_count, 5u);
    }
  }
  EXPECT_FALSE(bus.close(5s).error);
}

TEST(PrometheusCppAdapter, ServesNextToTheApplicationsRegistry) {
  BusOptions options;
  options.transport = "memory";
  Bus bus(options);
  MetricsRegistry buses;
  buses.add(bus);
  prometheus::Registry app;
  prometheus::BuildCounter()
      .Name("app_requests_total")
      .Help("requests")
      .Register(app)
      .Add({})
      .Increment(3);

  std::vector<prometheus::MetricFamily> scrape = app.Collect();  // what an Exposer collects
  for (prometheus::MetricFamily& f : prometheus_cpp::BusCollectable(buses).Collect())
    scrape.push_back(std::move(f));
  std::set<std::string> names;
  for (const prometheus::MetricFamily& f : scrape)
    EXPECT_TRUE(names.insert(f.name).second) << "family twice: " << f.name;
  const std::string text = serialized(scrape);
  EXPECT_NE(text.find("app_requests_total 3"), std::string::npos) << text;
  EXPECT_NE(text.find("eventbus_up{"), std::string::npos) << text;
  EXPECT_FALSE(bus.close(5s).error);
}

// A bus destroyed while registered drops out; the collectable never touches it.
TEST(PrometheusCppAdapter, ABusGoneDropsOut) {
  MetricsRegistry buses;
  prometheus_cpp::BusCollectable collectable(buses);
  {
    BusOptions options;
    options.transport = "memory";
    Bus bus(options);
    buses.add(bus);
    EXPECT_NE(serialized(collectable.Collect()).find("eventbus_up{"), std::string::npos);
  }
  EXPECT_EQ(serialized(collectable.Collect()).find("eventbus_up{"), std::string::npos);
}

}  // namespace
}  // namespace eventbus::testing
