// SPDX-License-Identifier: Apache-2.0
// The key and headers a caller adds to one publish (PublishCall::key, ::headers): the rules
// every transport shares. What a single transport cannot carry it checks itself
// (Transport::check_outgoing).
#pragma once

#include <string>
#include <system_error>

#include "eventbus/bus.hpp"

namespace eventbus::core {

// Empty when `call`'s key and headers may go with a publish (an envelope's when `envelope`);
// else invalid_option with `detail` naming the key or header and why.
std::error_code check_call_extras(const PublishCall& call, bool envelope, std::string& detail);

}  // namespace eventbus::core
