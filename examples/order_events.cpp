// SPDX-License-Identifier: Apache-2.0
// Publishes order events over many aggregates through the bus and consumes them in order,
// then prints what happened: count, throughput, order violations, threads.
//
//   order_events --messages 10000 --aggregates 1000 --transport memory
//   order_events --metrics-listen 127.0.0.1:9464 --metrics-hold 60   # then: curl it
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "eventbus/eventbus.hpp"
#ifdef EVENTBUS_EXAMPLE_METRICS
#include "eventbus/metrics_server.hpp"
#endif

namespace {

using Clock = std::chrono::steady_clock;

// Threads of this process now: the entries of /proc/self/task.
std::size_t thread_count() {
  std::error_code ec;
  std::size_t count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/task", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++count;
  }
  return count;
}

// Threads the client library keeps after its last bus is gone: nats.c's 3 process-wide ones,
// until nats_Close() (which a bus calls on close with nats.close_library_on_close).
std::size_t library_threads(const eventbus::BusOptions& options) {
  return options.transport == "nats" && !options.nats.close_library_on_close ? 3 : 0;
}

struct Tally {
  std::mutex mutex;
  std::condition_variable progressed;
  std::unordered_map<std::string, std::int64_t> last_version;
  std::size_t handled = 0;
  std::size_t order_violations = 0;
  Clock::time_point last_handled;

  void record(const eventbus::Envelope& e) {
    std::lock_guard lock(mutex);
    std::int64_t& last = last_version[e.aggregate_id];
    if (e.event_version <= last) ++order_violations;
    last = e.event_version;
    ++handled;
    last_handled = Clock::now();
    progressed.notify_all();
  }
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Publish order events through eventbus and consume them in order"};
  int messages = 10000, aggregates = 1000, publishers = 4;
  std::string transport = "memory";
  app.add_option("--messages", messages, "events to publish")->check(CLI::PositiveNumber);
  app.add_option("--aggregates", aggregates, "orders they are spread over")
      ->check(CLI::PositiveNumber);
  app.add_option("--publishers", publishers, "publishing threads")->check(CLI::PositiveNumber);
  std::string nats_url = "nats://127.0.0.1:4222", kafka_brokers = "127.0.0.1:9092";
  app.add_option("--transport", transport, "memory | nats | kafka");
  app.add_option("--nats-url", nats_url, "NATS server for --transport nats");
  app.add_option("--kafka-brokers", kafka_brokers, "Kafka bootstrap servers for --transport kafka");
  std::string config_file;
  app.add_option(
      "--config", config_file,
      "YAML configuration file (see examples/eventbus.yaml); the flags above override it");
  std::string metrics_listen;
  int metrics_hold = 0;
#ifdef EVENTBUS_EXAMPLE_METRICS
  app.add_option("--metrics-listen", metrics_listen,
                 "serve Prometheus metrics on HOST:PORT (overrides the file's metrics section)");
  app.add_option("--metrics-hold", metrics_hold,
                 "seconds to keep serving metrics after the run, before closing")
      ->check(CLI::NonNegativeNumber);
#endif
  CLI11_PARSE(app, argc, argv);

  const std::size_t threads_before = thread_count();
  eventbus::Config config;
  if (!config_file.empty()) {
    try {
      config = eventbus::load_config_file(config_file);
    } catch (const std::system_error& e) {
      std::fprintf(stderr, "order_events: --config: %s\n", e.what());
      return 2;
    }
  }
  eventbus::BusOptions& options = config.bus;
  if (!metrics_listen.empty()) {
    std::string detail;
    if (eventbus::parse_listen_address(metrics_listen, config.metrics.server, &detail)) {
      std::fprintf(stderr, "order_events: --metrics-listen: %s\n", detail.c_str());
      return 2;
    }
    config.metrics.enabled = true;
  }
  // Without a file every flag applies (with its default); with one, only those given.
  const bool defaults = config_file.empty();
  if (defaults || app.count("--transport") > 0) options.transport = transport;
  if (defaults || app.count("--nats-url") > 0) options.nats.servers = {nats_url};
  if (defaults || app.count("--kafka-brokers") > 0) options.kafka.brokers = kafka_brokers;
  auto bus = std::make_unique<eventbus::Bus>(options);
#ifdef EVENTBUS_EXAMPLE_METRICS
  eventbus::MetricsRegistry registry;
  registry.add(*bus);
  std::unique_ptr<eventbus::MetricsServer> metrics_server;
  if (config.metrics.enabled) {
    try {
      metrics_server = std::make_unique<eventbus::MetricsServer>(registry, config.metrics.server);
    } catch (const std::system_error& e) {
      std::fprintf(stderr, "order_events: %s\n", e.what());
      return 2;
    }
    std::fprintf(stderr, "metrics: %s\n", metrics_server->url().c_str());
  }
#endif

  Tally tally;
  if (auto ec = bus->subscribe_envelope("orders",
                                        [&](const eventbus::Envelope& e, const eventbus::Message&) {
                                          tally.record(e);
                                          return eventbus::HandlerResult::ok();
                                        })
                    .error()) {
    std::fprintf(stderr, "subscribe failed: %s\n", ec.message().c_str());
    return 1;
  }

  std::atomic<std::size_t> failed{0};
  const Clock::time_point start = Clock::now();
  std::vector<std::thread> senders;
  for (int p = 0; p < publishers; ++p) {
    senders.emplace_back([&, p] {  // each order belongs to one sender: its versions stay in order
      const int versions = (messages + aggregates - 1) / aggregates;
      for (int v = 1; v <= versions; ++v) {
        for (int a = p; a < aggregates && (v - 1) * aggregates + a < messages; a += publishers) {
          auto e = eventbus::make_envelope("order-" + std::to_string(a), "OrderUpdated", v,
                                           R"({"status":"step )" + std::to_string(v) + R"("})");
          bus->publish_envelope("orders", e, [&](const eventbus::PublishResult& r) {
            if (r.error) failed++;
          });
        }
      }
    });
  }
  for (auto& s : senders)
    s.join();
  const std::size_t peak_threads = thread_count();
  {
    std::unique_lock lock(tally.mutex);
    tally.progressed.wait_for(lock, std::chrono::seconds(60), [&] {
      return tally.handled + failed.load() >= static_cast<std::size_t>(messages);
    });
  }
  if (metrics_hold > 0) {  // an example's pause, so a user can scrape the finished run
    std::fprintf(stderr, "serving metrics for %d s\n", metrics_hold);
    std::this_thread::sleep_for(std::chrono::seconds(metrics_hold));
  }
  const eventbus::CloseReport report = bus->close(std::chrono::seconds(10));
#ifdef EVENTBUS_EXAMPLE_METRICS
  metrics_server.reset();  // its threads end before the count below
#endif
  const eventbus::Stats stats = bus->stats();
  // nats.c keeps a few process-wide threads after its last connection: not a leak of ours.
  const std::size_t threads_expected = threads_before + library_threads(options);
  bus.reset();
  // A client library may end a thread a moment after its last object is freed: allow 1 s.
  std::size_t threads_after = thread_count();
  for (int i = 0; i < 100 && threads_after != threads_expected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    threads_after = thread_count();
  }

  const double seconds = std::chrono::duration<double>(tally.last_handled - start).count();
  std::printf("transport          %s\n", transport.c_str());
  std::printf("published          %llu (acked %llu, failed %llu)\n",
              static_cast<unsigned long long>(stats.published),
              static_cast<unsigned long long>(stats.acked),
              static_cast<unsigned long long>(stats.failed));
  std::printf("handled            %zu of %d over %d aggregates\n", tally.handled, messages,
              aggregates);
  std::printf("throughput         %.0f msg/s (first publish to last handled, %.3f s)\n",
              seconds > 0 ? tally.handled / seconds : 0.0, seconds);
  std::printf("order violations   %zu\n", tally.order_violations);
  std::printf("threads            %zu before, %zu while running, %zu after close\n", threads_before,
              peak_threads, threads_after);
  std::printf("close              %s\n", report.error ? report.error.message().c_str() : "clean");
  const bool ok = tally.handled == static_cast<std::size_t>(messages) &&
                  tally.order_violations == 0 && threads_after == threads_expected && !report.error;
  return ok ? 0 : 1;
}
