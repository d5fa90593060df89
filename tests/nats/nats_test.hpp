// What the NATS-specific tests share: bus options for a server, names no other test uses, and
// bounded polling of server-side state (the server has no way to signal it).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include "eventbus/eventbus.hpp"
#include "support/broker_env.hpp"

namespace eventbus::testing {

// The CTest fixture's shared server.
inline std::string shared_nats_url() {
  return broker_setting("EVENTBUS_NATS_URL", "EVENTBUS_NATS_STATE");
}

inline BusOptions nats_bus_options(const std::string& url) {
  BusOptions options;
  options.transport = "nats";
  options.nats.servers = {url};
  options.nats.fetch_wait = std::chrono::milliseconds(100);  // tests close buses often
  options.nats.connect_timeout = std::chrono::milliseconds(2000);
  options.nats.max_reconnect = 0;  // a failing test should not hang in reconnects
  return options;
}

// "nats.<test>.<suffix>.<random>": a topic (and a stream) of this test alone.
inline std::string unique_name(const std::string& suffix) {
  static std::mt19937_64 random{std::random_device{}()};
  std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  for (char& c : test)
    if (c == '/') c = '-';
  return "nats." + test + "." + suffix + "." + std::to_string(random() % 1000000000);
}

// Asks `check` until it holds or `timeout` passes; for server-side state that nobody signals.
inline bool poll_until(std::chrono::milliseconds timeout, const std::function<bool()>& check) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (check()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace eventbus::testing
