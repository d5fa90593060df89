// SPDX-License-Identifier: Apache-2.0
// The W3C `traceparent` header on the way out (which one a publish carries) and on the way in
// (the valid one a delivery carries).
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include "eventbus/bus.hpp"
#include "eventbus/envelope.hpp"
#include "eventbus/message.hpp"

namespace eventbus::core {

inline constexpr std::string_view kTraceparentHeader = "traceparent";

// The traceparent a publish sends: the call's, when it gives one (invalid_traceparent, with
// `detail` naming it, when that is not valid); else, for an envelope whose trace_id is a W3C
// trace id, a new one with that trace id, a new parent id and flags 01 (sampled); else none
// (`out` stays empty).
std::error_code outgoing_traceparent(const PublishCall& call, const Envelope* envelope,
                                     std::string& out, std::string& detail);

// The value of the first `traceparent` header (the name compared ignoring ASCII case, as HTTP
// does, since some clients canonicalise it to "Traceparent") when it is valid; else empty.
std::string_view incoming_traceparent(const Headers& headers);

}  // namespace eventbus::core
