// SPDX-License-Identifier: Apache-2.0
// A program built against an installed eventbus (tests/package/CMakeLists.txt with
// find_package, or scripts/package-test.sh with pkg-config): one envelope published and
// handled on the memory transport. Exits 0 only when it arrived intact and the headers'
// version is the library's.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <eventbus/eventbus.hpp>
#include <mutex>
#include <string>

int main() {
  if (eventbus::version() != EVENTBUS_VERSION_STRING) {
    std::fprintf(stderr, "headers say %s, the library %.*s\n", EVENTBUS_VERSION_STRING,
                 static_cast<int>(eventbus::version().size()), eventbus::version().data());
    return 1;
  }
  eventbus::BusOptions options;
  options.transport = "memory";
  options.group = "package-test";
  eventbus::Bus bus(options);

  std::mutex mutex;
  std::condition_variable arrived;
  std::string seen;
  const auto subscribed =
      bus.subscribe_envelope("orders",
                             [&](const eventbus::Envelope& e, const eventbus::Message&) {
                               std::lock_guard lock(mutex);
                               seen = e.aggregate_id + " " + e.event_type + " " + e.payload;
                               arrived.notify_all();
                               return eventbus::HandlerResult::ok();
                             })
          .error();
  if (subscribed) {
    std::fprintf(stderr, "subscribe: %s\n", subscribed.message().c_str());
    return 1;
  }
  const auto e = eventbus::make_envelope("order-42", "OrderPlaced", 1, R"({"amount":1999})");
  if (const auto published = bus.publish_envelope("orders", e)) {
    std::fprintf(stderr, "publish: %s\n", published.message().c_str());
    return 1;
  }
  std::unique_lock lock(mutex);
  const bool got = arrived.wait_for(lock, std::chrono::seconds(10), [&] { return !seen.empty(); });
  lock.unlock();
  bus.close(std::chrono::seconds(5));
  const std::string expected = R"(order-42 OrderPlaced {"amount":1999})";
  if (!got || seen != expected) {
    std::fprintf(stderr, "handled \"%s\", expected \"%s\"\n", seen.c_str(), expected.c_str());
    return 1;
  }
  std::printf("eventbus %s: published and handled %s\n", EVENTBUS_VERSION_STRING, seen.c_str());
  return 0;
}
