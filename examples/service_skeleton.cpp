// SPDX-License-Identifier: Apache-2.0
// The shape of a long-running service: options from a configuration file (or the defaults, on
// the memory transport), a subscription, a main loop that runs until SIGTERM or SIGINT, then
// close with a deadline and its report logged.
//
//   service_skeleton [--config FILE]   # runs until SIGTERM / SIGINT (Ctrl-C); FILE is shaped
//                                      # like examples/eventbus.yaml
//   service_skeleton --self-test       # publishes 1,000 events; once all are handled it sends
//                                      # itself SIGTERM, so the shutdown path runs for real
//
// Exit status: 0 after a clean close (and, with --self-test, every event handled); 1 when
// close left work behind or the self-test fell short; 2 for a bad command line or file.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <eventbus/eventbus.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kSelfTestEvents = 1000;
constexpr int kSelfTestAggregates = 50;
constexpr auto kSelfTestLimit = 30s;  // the self-test fails if it has not finished by then
constexpr auto kStatusInterval = 10s;

void print_usage() {
  std::printf("usage: service_skeleton [--config FILE] [--self-test]\n");
}

}  // namespace

int main(int argc, char** argv) {
  // One line at a time even into a pipe or a log collector, so status lines show up at once.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::string config_file;
  bool self_test = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      config_file = argv[++i];
    } else if (arg == "--self-test") {
      self_test = true;
    } else {
      print_usage();
      return 2;
    }
  }

  // Block SIGTERM and SIGINT before any thread exists: threads inherit the signal mask, so
  // every thread the bus and its client libraries start has them blocked too, and they stay
  // pending until the main loop below takes them with sigtimedwait. No signal handler runs, so
  // nothing here has to be async-signal-safe.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (int err = pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr)) {
    std::printf("pthread_sigmask: %s\n", std::strerror(err));
    return 1;
  }

  eventbus::BusOptions options;  // defaults: memory transport
  if (!config_file.empty()) {
    try {
      options = eventbus::load_config_file(config_file).bus;  // EVENTBUS_* variables apply
    } catch (const std::system_error& e) {
      std::printf("--config: %s\n", e.what());  // names the file, the key and what was expected
      return 2;
    }
  }
  if (self_test) options.client_name = "service-skeleton-self-test";

  std::atomic<int> handled{0}, publish_failures{0};  // before the bus, so they outlive it
  std::optional<eventbus::Bus> bus;
  try {
    bus.emplace(options);
  } catch (const std::system_error& e) {  // a bad option, or no broker answered in time
    std::printf("cannot start the bus: %s\n", e.what());
    return 2;
  }
  std::printf("started: transport %s, group %s, close deadline %lld ms\n",
              std::string(bus->transport_name()).c_str(), options.group.c_str(),
              static_cast<long long>(options.close_timeout.count()));

  auto handle = [&](const eventbus::Envelope& e, const eventbus::Message&) {
    // The service's work goes here; returning fail() retries the message in its lane.
    if (handled.fetch_add(1) + 1 == kSelfTestEvents && self_test) {
      // kill(), not raise(): raise() sends to this thread alone, where the signal is blocked
      // and sigtimedwait in the main thread would never see it. kill() sends to the process.
      std::printf("self-test: all %d events handled (last %s), sending SIGTERM\n", kSelfTestEvents,
                  e.event_id.c_str());
      kill(getpid(), SIGTERM);
    }
    return eventbus::HandlerResult::ok();
  };
  if (std::error_code ec = bus->subscribe_envelope("orders", handle).error()) {
    std::printf("subscribe to orders: %s\n", ec.message().c_str());
    return 1;
  }

  if (self_test) {
    for (int i = 0; i < kSelfTestEvents; ++i) {
      auto e = eventbus::make_envelope("order-" + std::to_string(i % kSelfTestAggregates),
                                       "OrderPlaced", i / kSelfTestAggregates + 1, "{}");
      bus->publish_envelope("orders", e, [&](const eventbus::PublishResult& r) {
        if (r.error && publish_failures.fetch_add(1) == 0) {
          std::printf("self-test: publish failed: %s\n", r.error.message().c_str());
          kill(getpid(), SIGTERM);  // stop now: the self-test cannot succeed
        }
      });
    }
  }

  // The main loop: wait for a stop signal, waking up now and then for periodic work (a status
  // line here). sigtimedwait sleeps until a signal comes or the interval ends; nothing polls.
  const Clock::time_point started = Clock::now();
  int signal_number = 0;
  for (;;) {
    const timespec interval{std::chrono::seconds(kStatusInterval).count(), 0};
    signal_number = sigtimedwait(&stop_signals, nullptr, &interval);
    if (signal_number > 0) break;
    if (errno != EAGAIN && errno != EINTR) {  // EAGAIN: the interval ended
      std::printf("sigtimedwait: %s\n", std::strerror(errno));
      break;
    }
    const eventbus::Health health = bus->health();
    std::printf("status: %s, %d handled\n", health.healthy() ? "healthy" : "unhealthy",
                handled.load());
    if (self_test && Clock::now() - started > kSelfTestLimit) {
      std::printf("self-test: no SIGTERM after %lld s\n",
                  static_cast<long long>(std::chrono::seconds(kSelfTestLimit).count()));
      break;
    }
  }
  if (signal_number > 0) {
    std::printf("received %s, closing\n", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  }

  // Stops intake, lets the lanes finish, flushes publishes and joins every thread, all within
  // the deadline. Whatever it could not finish is in the report: unacked messages are
  // redelivered to the group later, cancelled publishes got their completion (cancelled).
  const eventbus::CloseReport report = bus->close(options.close_timeout);
  std::printf(
      "closed: %s; cancelled publishes %llu, abandoned messages %llu, stuck handlers %llu\n",
      report.error ? report.error.message().c_str() : "clean",
      static_cast<unsigned long long>(report.cancelled_publishes),
      static_cast<unsigned long long>(report.abandoned_messages),
      static_cast<unsigned long long>(report.stuck_handlers));
  if (report.error) return 1;
  if (self_test) {
    const eventbus::Stats stats = bus->stats();
    const bool ok = signal_number == SIGTERM && handled.load() == kSelfTestEvents &&
                    stats.acked == static_cast<std::uint64_t>(kSelfTestEvents) &&
                    publish_failures.load() == 0;
    std::printf("self-test: %s (%d handled, %llu acked)\n", ok ? "passed" : "FAILED",
                handled.load(), static_cast<unsigned long long>(stats.acked));
    return ok ? 0 : 1;
  }
  return signal_number > 0 ? 0 : 1;
}
