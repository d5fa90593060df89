// SPDX-License-Identifier: Apache-2.0
// What a Subscription handle shares with its bus. The bus outlives its routes' use through
// handles: a handle's call counts itself in `users` while it uses the bus, and the bus, when it
// is destroyed, waits for those calls to return and then cuts the link (`bus` null), after
// which every call returns `closed`.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <system_error>

#include "eventbus/bus.hpp"
#include "eventbus/subscription.hpp"

namespace eventbus {
namespace core {
class SubscriptionRoute;
}

struct Subscription::State {
  std::error_code error;  // the subscribe call's
  std::string topic, group;
  std::mutex mutex;
  std::condition_variable idle;              // `users` fell to 0
  Bus::Impl* bus = nullptr;                  // guarded by mutex; null without a subscription or bus
  core::SubscriptionRoute* route = nullptr;  // set with `bus`; lives as long as the bus
  int users = 0;                             // guarded by mutex: handle calls under way
};

}  // namespace eventbus
