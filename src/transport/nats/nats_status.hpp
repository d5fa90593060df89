// SPDX-License-Identifier: Apache-2.0
// Turns nats.c statuses and JetStream error codes into eventbus errors with readable words.
#pragma once

#include <nats/nats.h>

#include <string>
#include <string_view>
#include <system_error>

namespace eventbus::nats {

// The eventbus code for a nats.c status (timeouts, closed connections, refusals).
std::error_code to_error(natsStatus status, jsErrCode js_code = static_cast<jsErrCode>(0));

// "<what>: <status text> (<nats.c's last error text>)", for exceptions and completions.
std::string describe(std::string_view what, natsStatus status,
                     jsErrCode js_code = static_cast<jsErrCode>(0));

// Throws std::system_error(describe(...)) unless status is NATS_OK.
void check(natsStatus status, std::string_view what, jsErrCode js_code = static_cast<jsErrCode>(0));

}  // namespace eventbus::nats
