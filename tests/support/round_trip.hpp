// SPDX-License-Identifier: Apache-2.0
// One envelope through a bus and back: what the authentication tests check a connection with.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

#include "eventbus/eventbus.hpp"
#include "support/unique_name.hpp"
#include "support/wait.hpp"

namespace eventbus::testing {

// Subscribes to a new topic named after `prefix`, publishes one envelope, waits until it is
// handled and closes the bus (whose handler refers to this frame).
inline void expect_round_trip(Bus& bus, std::string_view prefix) {
  using namespace std::chrono_literals;
  const std::string topic = unique_name(prefix, "rt");
  Signal signal;
  std::string got;
  ASSERT_FALSE(bus.subscribe_envelope(topic,
                                      [&](const Envelope& e, const Message&) {
                                        signal.update([&] { got = e.event_id; });
                                        return HandlerResult::ok();
                                      })
                   .error());
  const Envelope e = make_envelope("a", "E", 1, "{}");
  const OwnedPublishResult r = bus.publish_envelope_sync(topic, e, 30s);
  ASSERT_FALSE(r.error) << r.detail;
  EXPECT_TRUE(signal.wait_for(60s, [&] { return got == e.event_id; }));
  EXPECT_FALSE(bus.close(10s).error);
}

}  // namespace eventbus::testing
