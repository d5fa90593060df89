// SPDX-License-Identifier: Apache-2.0
// What a caller's key and headers must be to travel in a NATS message. NATS headers are text
// lines after a status line ("NATS/1.0"), "Name: value" each, as in HTTP/1: a name is
// printable ASCII without ':', and a value cannot hold a line break. nats.c checks neither, so
// a CR or LF in a value would end the header early and start another.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "eventbus/message.hpp"

namespace eventbus::nats {

// Empty when they can go; not_supported for a key (NATS messages have none), invalid_option for
// a header, `detail` naming it.
std::error_code check_nats_outgoing(std::string_view key, const Headers& headers,
                                    std::string& detail);

}  // namespace eventbus::nats
