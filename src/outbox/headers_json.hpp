// SPDX-License-Identifier: Apache-2.0
// An outbox row's headers column: a JSON array of [name, value] pairs, in their order, so that
// repeated names and their order survive, and so that the column is readable in a SQL shell.
#pragma once

#include <string>
#include <string_view>

#include "eventbus/message.hpp"
#include "eventbus/outbox/error.hpp"

namespace eventbus::outbox {

// invalid_option for an empty name.
Error encode_headers(const Headers& headers, std::string& out);
// invalid_option naming what is wrong when `text` is not such an array.
Error decode_headers(std::string_view text, Headers& out);

}  // namespace eventbus::outbox
