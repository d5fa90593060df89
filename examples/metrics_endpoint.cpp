// SPDX-License-Identifier: Apache-2.0
// The Prometheus metrics endpoint: a MetricsServer on loopback (port 0: a free port) serving a
// registry of buses, some traffic, then one scrape of /metrics over HTTP as Prometheus would
// do it (cpp-httplib's client here; `curl http://127.0.0.1:<port>/metrics` by hand). Checks
// that the bus's families are there with the counts of the traffic and exits 1 otherwise.
//
// Link eventbus::metrics_server (built when EVENTBUS_METRICS_SERVER is on); the core library
// has no HTTP dependency.
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <eventbus/eventbus.hpp>
#include <eventbus/metrics_server.hpp>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>

namespace {

using namespace std::chrono_literals;

bool check(bool condition, const std::string& what) {
  std::printf("%s %s\n", condition ? "ok  " : "FAIL", what.c_str());
  return condition;
}

bool contains_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

int main() {
  constexpr int kEvents = 25;
  std::mutex mutex;  // before the bus: the handler and completions use them until it is gone
  std::condition_variable cv;
  int handled = 0, acked = 0;

  eventbus::BusOptions options;
  options.client_name = "metrics-example";  // the `client` label of every series of this bus
  eventbus::Bus bus(options);

  eventbus::MetricsRegistry registry;
  registry.add(bus);  // a bus destroyed first drops out of the registry by itself
  std::optional<eventbus::MetricsServer> server;
  try {
    // Loopback only; port 0 asks the system for a free port, server->port() says which.
    server.emplace(registry, eventbus::MetricsServerOptions{.address = "127.0.0.1", .port = 0});
  } catch (const std::system_error& e) {  // names the address, e.g. "Address already in use"
    std::printf("%s\n", e.what());
    return 1;
  }
  std::printf("serving %s\n", server->url().c_str());

  auto handle = [&](const eventbus::Envelope&, const eventbus::Message&) {
    std::lock_guard lock(mutex);
    ++handled;
    cv.notify_one();
    return eventbus::HandlerResult::ok();
  };
  if (std::error_code ec = bus.subscribe_envelope("orders", handle).error()) {
    std::printf("subscribe failed: %s\n", ec.message().c_str());
    return 1;
  }
  for (int i = 0; i < kEvents; ++i) {
    auto e =
        eventbus::make_envelope("order-" + std::to_string(i % 5), "OrderPlaced", i / 5 + 1, "{}");
    bus.publish_envelope("orders", e, [&](const eventbus::PublishResult& r) {
      std::lock_guard lock(mutex);
      acked += r.error ? 0 : 1;
      cv.notify_one();
    });
  }
  bool done = false;
  {
    std::unique_lock lock(mutex);
    done = cv.wait_for(lock, 10s, [&] { return handled == kEvents && acked == kEvents; });
  }

  // What Prometheus does every scrape interval.
  httplib::Client client("127.0.0.1", server->port());
  client.set_connection_timeout(5s);
  client.set_read_timeout(5s);
  const httplib::Result scrape = client.Get("/metrics");
  if (!scrape) {
    std::printf("GET %s: %s\n", server->url().c_str(), httplib::to_string(scrape.error()).c_str());
    return 1;
  }
  // This bus's series for the topic, histogram buckets left out.
  std::istringstream lines(scrape->body);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(R"(topic="orders")") != std::string::npos &&
        line.find("_bucket{") == std::string::npos)
      std::printf("  %s\n", line.c_str());
  }

  // Every series carries transport and client; per-topic ones the topic. The published count
  // moves in publish() itself and the acked one before the completion runs, so both are exact
  // here; eventbus_handled_total moves just after a handler returns, so a scrape taken at once
  // may be one behind.
  const std::string labels = R"({transport="memory",client="metrics-example",topic="orders"})";
  bool ok = check(scrape->status == 200, "GET /metrics: " + std::to_string(scrape->status));
  ok &=
      check(scrape->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8",
            "the Prometheus text format 0.0.4");
  ok &= check(contains_line(scrape->body, "# TYPE eventbus_handled_total counter"),
              "the eventbus_handled_total family");
  for (const char* family : {"eventbus_published_total", "eventbus_acked_total"}) {
    const std::string line = family + labels + " " + std::to_string(kEvents);
    ok &= check(contains_line(scrape->body, line), line);
  }
  const httplib::Result other = client.Get("/other");
  ok &= check(other && other->status == 404, "any other path: 404");
  ok &= check(done, "every event published and handled");

  server.reset();  // stops and joins its threads (within about a second)
  const eventbus::CloseReport report = bus.close(5s);
  ok &= check(!report.error, "closed cleanly");
  return ok ? 0 : 1;
}
