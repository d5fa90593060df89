// SPDX-License-Identifier: Apache-2.0
// A received message's headers in the order they were stored, for Bus::read.
//
// Why not natsMsgHeader_Keys: nats.c keeps headers in a hash table, so its keys come back in
// hash order. The order stored is in the message's raw header block, which nats.c 3.x keeps
// (see stored_headers.cpp) but does not expose; when that block cannot be found, the headers
// come from nats.c's table, each key's values in order.
#pragma once

#include <nats/nats.h>

#include <optional>
#include <string_view>

#include "eventbus/message.hpp"

namespace eventbus::nats {

// Every header of `message` (received on a subscription: subject, reply and data set).
Headers stored_headers(natsMsg* message);

// Parses a raw header block "NATS/1.0[ status]\r\nKey: value\r\n...\r\n\r\n"; nullopt when
// it is not one. A value loses the blanks around it, as nats.c's own parser trims them.
std::optional<Headers> parse_header_block(std::string_view block);

}  // namespace eventbus::nats
