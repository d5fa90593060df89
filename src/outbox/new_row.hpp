// SPDX-License-Identifier: Apache-2.0
// What add() checks and stores, whichever the database: the topic and the envelope validated,
// the envelope encoded, the headers as headers_json.hpp's array, the time it was added.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "eventbus/envelope.hpp"
#include "eventbus/message.hpp"
#include "eventbus/outbox/error.hpp"

namespace eventbus::outbox {

struct NewRow {
  std::string payload;      // the encoded envelope
  std::string headers;      // empty: the row has none (NULL)
  std::int64_t created_at;  // Unix milliseconds
};

// Errors: invalid_topic, the envelope's invalid_* field, invalid_option for an empty header
// name; each with a detail naming it.
Error prepare_row(std::string_view topic, const Envelope& envelope, const Headers* headers,
                  NewRow& row);

}  // namespace eventbus::outbox
