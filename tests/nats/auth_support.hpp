// SPDX-License-Identifier: Apache-2.0
// What the NATS authentication tests share: a round trip through JetStream on a bus that
// connected, the Bus constructor's error for options that must not connect, and random secrets.
#pragma once

#include <random>
#include <string>
#include <system_error>

#include "nats/nats_test.hpp"
#include "support/round_trip.hpp"

namespace eventbus::testing {

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
