// SPDX-License-Identifier: Apache-2.0
// The Subscription handle: each call borrows the bus through the shared state, or finds it
// gone and returns `closed`.
#include "eventbus/subscription.hpp"

#include "core/bus/bus_impl.hpp"
#include "core/bus/subscription_state.hpp"
#include "eventbus/error.hpp"

namespace eventbus {
namespace {

const std::string kNoName;

// Runs `use(bus, route)` while the bus cannot go away; `closed` when it is gone or there is
// no subscription.
template <typename Use>
auto with_bus(Subscription::State* state, Use&& use,
              decltype(use(std::declval<Bus::Impl&>(),
                           std::declval<core::SubscriptionRoute&>())) gone) {
  if (state == nullptr) return gone;
  {
    std::lock_guard lock(state->mutex);
    if (state->bus == nullptr || state->route == nullptr) return gone;
    ++state->users;
  }
  struct Release {
    Subscription::State& state;
    ~Release() {
      {
        std::lock_guard lock(state.mutex);
        --state.users;
      }
      state.idle.notify_all();
    }
  } release{*state};
  return use(*state->bus, *state->route);
}

// pause() and resume().
std::error_code hold(Subscription::State* state, bool paused) {
  return with_bus(
      state,
      [paused](Bus::Impl& bus, core::SubscriptionRoute& route) -> std::error_code {
        if (!bus.open() || !route.set_paused(paused)) return make_error_code(errc::closed);
        return {};
      },
      make_error_code(errc::closed));
}

}  // namespace

std::error_code Subscription::error() const noexcept {
  return state_ ? state_->error : make_error_code(errc::closed);
}

const std::string& Subscription::topic() const noexcept {
  return state_ ? state_->topic : kNoName;
}

const std::string& Subscription::group() const noexcept {
  return state_ ? state_->group : kNoName;
}

std::error_code Subscription::pause() {
  return hold(state_.get(), true);
}

std::error_code Subscription::resume() {
  return hold(state_.get(), false);
}

bool Subscription::paused() const {
  return with_bus(
      state_.get(), [](Bus::Impl&, core::SubscriptionRoute& route) { return route.paused(); },
      false);
}

std::error_code Subscription::unsubscribe(std::chrono::milliseconds timeout) {
  return with_bus(
      state_.get(),
      [timeout](Bus::Impl& bus, core::SubscriptionRoute& route) {
        return bus.unsubscribe(route, timeout);
      },
      make_error_code(errc::closed));
}

}  // namespace eventbus
