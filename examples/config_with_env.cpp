// SPDX-License-Identifier: Apache-2.0
// Configuration from the `eventbus` section of an application's own YAML file, with EVENTBUS_*
// environment variables overriding single keys (EVENTBUS_ + the key's path in the section,
// upper-cased, '_' between segments). Prints each value it uses and where it came from, then
// runs a bus with them.
//
//   EVENTBUS_SUBSCRIBER_WORKERS=1 config_with_env examples/service.yaml
//
// Exit status: 0 when the events were handled and the bus closed cleanly; 1 otherwise; 2 when
// the file is missing or wrong (the message names the file, the key and what was expected).
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <eventbus/eventbus.hpp>
#include <functional>
#include <mutex>
#include <string>
#include <system_error>

namespace {

using namespace std::chrono_literals;

std::string millis(std::chrono::milliseconds d) {
  return std::to_string(d.count()) + "ms";
}

// A few keys of the section and how to read each from the options it produced.
struct Shown {
  const char* key;  // path within the section
  std::function<std::string(const eventbus::BusOptions&)> value;
};
const Shown kShown[] = {
    {"type", [](const auto& o) { return o.transport; }},
    {"serviceName", [](const auto& o) { return o.client_name; }},
    {"closeTimeout", [](const auto& o) { return millis(o.close_timeout); }},
    {"publisher.maxInFlight",
     [](const auto& o) { return std::to_string(o.publish.max_in_flight); }},
    {"publisher.ackTimeout", [](const auto& o) { return millis(o.publish.ack_timeout); }},
    {"subscriber.group", [](const auto& o) { return o.group; }},
    {"subscriber.lanes", [](const auto& o) { return std::to_string(o.dispatch.lanes); }},
    {"subscriber.workers", [](const auto& o) { return std::to_string(o.dispatch.workers); }},
    {"subscriber.retry.maxAttempts",
     [](const auto& o) { return std::to_string(o.dispatch.retry.max_attempts); }},
};

// The variable that overrides `key`: EVENTBUS_SUBSCRIBER_RETRY_MAXATTEMPTS for
// subscriber.retry.maxAttempts.
std::string variable_of(const std::string& key) {
  std::string name = "EVENTBUS_";
  for (char c : key)
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

// Publishes a few events and handles them on a bus with these options.
int run(const eventbus::BusOptions& options) {
  constexpr int kEvents = 20;
  std::mutex mutex;  // before the bus: the handler uses them until the bus is gone
  std::condition_variable cv;
  int handled = 0;
  eventbus::Bus bus(options);
  auto handle = [&](const eventbus::Envelope&, const eventbus::Message&) {
    std::lock_guard lock(mutex);
    if (++handled == kEvents) cv.notify_one();
    return eventbus::HandlerResult::ok();
  };
  if (std::error_code ec = bus.subscribe_envelope("orders", handle).error()) {
    std::printf("subscribe failed: %s\n", ec.message().c_str());
    return 1;
  }
  for (int i = 0; i < kEvents; ++i) {
    bus.publish_envelope("orders", eventbus::make_envelope("order-" + std::to_string(i % 5),
                                                           "OrderPlaced", i / 5 + 1, "{}"));
  }
  std::unique_lock lock(mutex);
  cv.wait_for(lock, 10s, [&] { return handled == kEvents; });
  const int seen = handled;
  lock.unlock();
  // The deadline from the file (closeTimeout), as the destructor would use.
  const eventbus::CloseReport report = bus.close(options.close_timeout);
  std::printf("%d of %d events handled on %s; close: %s\n", seen, kEvents,
              options.transport.c_str(), report.error ? report.error.message().c_str() : "clean");
  return seen == kEvents && !report.error ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "examples/service.yaml";
  const eventbus::Environment environment = eventbus::process_environment();
  eventbus::Config config, file_only;
  try {
    config = eventbus::load_config_section(path, "eventbus");  // the process's EVENTBUS_* apply
    file_only = eventbus::load_config_section(path, "eventbus", {});  // for comparison only
  } catch (const std::system_error& e) {
    std::printf("%s\n", e.what());
    return 2;
  }

  std::printf("the eventbus section of %s, with the environment's overrides:\n", path.c_str());
  for (const Shown& shown : kShown) {
    const std::string used = shown.value(config.bus), in_file = shown.value(file_only.bus);
    const auto variable = environment.find(variable_of(shown.key));
    if (variable == environment.end()) {
      std::printf("  %-30s %s\n", shown.key, used.c_str());
    } else {
      std::printf("  %-30s %s (from %s; without it %s)\n", shown.key, used.c_str(),
                  variable->first.c_str(), in_file.c_str());
    }
  }

  try {
    return run(config.bus);
  } catch (const std::system_error& e) {  // a broker named by the environment did not answer
    std::printf("cannot start the bus: %s\n", e.what());
    return 1;
  }
}
