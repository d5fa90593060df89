// SPDX-License-Identifier: Apache-2.0
// What the NATS authentication tests share: a round trip through JetStream on a bus that
// connected, the Bus constructor's error for options that must not connect, and random secrets.
#pragma once

#include <random>
#include <string>
#include <system_error>

#include "nats/nats_test.hpp"

namespace eventbus::testing {

// Subscribes, publishes one envelope, waits for it to be handled and closes the bus (whose
// handler refers to this frame).
inline void expect_round_trip(Bus& bus) {
  using namespace std::chrono_literals;
  const std::string topic = unique_name("nats", "t");
  Signal signal;
  std::string got;
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message&) {
                                        signal.update([&] { got = e.event_id; });
                                        return HandlerResult::ok();
                                      })
                   .error());
  const Envelope e = make_envelope("a", "E", 1, "{}");
  const OwnedPublishResult r = bus.publish_envelope_sync(topic, e, 10s);
  ASSERT_FALSE(r.error) << r.detail;
  EXPECT_TRUE(signal.wait_for(20s, [&] { return got == e.event_id; }));
  EXPECT_FALSE(bus.close(5s).error);
}

// The Bus constructor's error for `options`, or "" when it connected.
inline std::string connect_error(const BusOptions& options) {
  try {
    Bus bus(options);
  } catch (const std::system_error& e) {
    return e.what();
  }
  return "";
}

inline std::string random_secret(const std::string& prefix) {
  return prefix + std::to_string(std::random_device{}()) + std::to_string(std::random_device{}());
}

}  // namespace eventbus::testing
