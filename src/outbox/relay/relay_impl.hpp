// SPDX-License-Identifier: Apache-2.0
// Relay::Impl: the engine over a store, made by each database's relay constructor.
#pragma once

#include <memory>
#include <utility>

#include "eventbus/outbox/relay.hpp"
#include "outbox/relay/relay_engine.hpp"

namespace eventbus::outbox {

class Relay::Impl {
 public:
  Impl(std::unique_ptr<Store> store, Bus& bus, RelayOptions options)
      : engine(std::move(store), bus, std::move(options)) {}
  RelayEngine engine;
};

}  // namespace eventbus::outbox
