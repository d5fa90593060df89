// SPDX-License-Identifier: Apache-2.0
#include "eventbus/outbox/relay.hpp"

#include "outbox/relay/relay_impl.hpp"

namespace eventbus::outbox {

Relay::Relay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Relay::~Relay() {
  impl_->engine.close(milliseconds(5000));
}

void Relay::notify() {
  impl_->engine.notify();
}

Error Relay::close(milliseconds timeout) {
  return impl_->engine.close(timeout);
}

RelayStats Relay::stats() const {
  return impl_->engine.stats();
}

Error Relay::last_error() const {
  return impl_->engine.last_error();
}

}  // namespace eventbus::outbox
