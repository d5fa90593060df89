// SPDX-License-Identifier: Apache-2.0
// The message every micro-benchmark moves: an envelope as a service would publish it, every
// field set (so encode and decode take every branch, and the bus adds a traceparent for the
// W3C trace id) around a 211-byte JSON payload.
#pragma once

#include <string>

#include "eventbus/envelope.hpp"

namespace eventbus::microbench {

Envelope sample_envelope();

// sample_envelope() encoded, as a subscriber receives it.
std::string sample_wire_bytes();

}  // namespace eventbus::microbench
