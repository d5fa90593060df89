// SPDX-License-Identifier: Apache-2.0
// Quick start: a bus on the in-process memory transport, one subscription, one envelope
// published, handled, and the bus closed within a deadline. The README's quick start is the
// part between the [readme] marks (scripts/check-snippets.sh keeps the two the same).
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <eventbus/eventbus.hpp>
#include <mutex>
#include <system_error>

int main() {
  // [readme]
  std::mutex mutex;  // what the handler uses is declared before the bus, so it outlives it
  std::condition_variable cv;
  bool handled = false;

  eventbus::BusOptions options;
  options.transport = "memory";  // or "nats", "kafka"
  options.group = "billing";     // consumer group of this bus's subscriptions
  eventbus::Bus bus(options);    // throws std::system_error naming a bad option

  auto handle = [&](const eventbus::Envelope& e, const eventbus::Message& m) {
    // Runs on a lane worker; one aggregate's events arrive one at a time, in order.
    std::printf("%s %s, attempt %u\n", e.aggregate_id.c_str(), e.event_type.c_str(), m.attempt);
    std::lock_guard lock(mutex);
    handled = true;
    cv.notify_one();
    return eventbus::HandlerResult::ok();  // fail("why"): retried in its lane, then "orders.dlq"
  };
  eventbus::Subscription orders = bus.subscribe_envelope("orders", handle);  // pause, unsubscribe
  if (orders.error()) {
    std::printf("subscribe failed: %s\n", orders.error().message().c_str());
    return 1;
  }

  auto e = eventbus::make_envelope("order-42", "OrderPlaced", 1, R"({"amount":1999})");
  bus.publish_envelope("orders", e, [](const eventbus::PublishResult& r) {
    if (r.error) std::printf("publish failed: %s\n", r.error.message().c_str());  // once per call
  });

  std::unique_lock lock(mutex);
  const bool ok = cv.wait_for(lock, std::chrono::seconds(5), [&] { return handled; });
  lock.unlock();
  const eventbus::CloseReport report = bus.close(std::chrono::seconds(5));  // joins its threads
  // [/readme]
  return ok && !report.error ? 0 : 1;
}
