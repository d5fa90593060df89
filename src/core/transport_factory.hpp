// SPDX-License-Identifier: Apache-2.0
// Builds the transport a BusOptions names.
#pragma once

#include <memory>

#include "core/log.hpp"
#include "core/transport.hpp"
#include "eventbus/options.hpp"

namespace eventbus::core {

// Throws std::system_error: unknown_transport (a name that is no transport, or one this build
// left out: EVENTBUS_WITH_NATS / EVENTBUS_WITH_KAFKA OFF), not_supported, or the transport's
// own connection error.
std::unique_ptr<Transport> make_transport(const BusOptions& options, LogPtr log);

}  // namespace eventbus::core
