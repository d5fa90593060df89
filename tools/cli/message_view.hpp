// SPDX-License-Identifier: Apache-2.0
// How `tail` and `dlq list` show a stored message: decoded as an envelope when it is one (or
// the decode error when it is not, with the bytes as they are), headers, position and time;
// `pretty` for people, `json` (one object per line) for jq and scripts.
#pragma once

#include <string>

#include "eventbus/dead_letters.hpp"
#include "eventbus/reading.hpp"

namespace eventbus::cli {

enum class ViewFormat { pretty, json };

// One message: a block of lines (pretty) or one line (json), ending in a newline.
std::string view_message(const StoredMessage& message, ViewFormat format);
// A dead letter: the message, and the reason, error code, attempts and replays it carries.
std::string view_dead_letter(const DeadLetter& letter, ViewFormat format);

}  // namespace eventbus::cli
