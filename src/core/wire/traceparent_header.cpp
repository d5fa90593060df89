// SPDX-License-Identifier: Apache-2.0
#include "core/wire/traceparent_header.hpp"

#include "core/header_text.hpp"
#include "eventbus/error.hpp"
#include "eventbus/trace_context.hpp"

namespace eventbus::core {

std::error_code outgoing_traceparent(const PublishCall& call, const Envelope* envelope,
                                     std::string& out, std::string& detail) {
  if (!call.traceparent.empty()) {
    if (!parse_traceparent(call.traceparent)) {
      detail = "traceparent: " + quoted_header_text(call.traceparent) +
               " is not a W3C traceparent (00-<32 hex trace-id>-<16 hex parent-id>-<2 hex "
               "flags>, lowercase, ids not all zero)";
      return make_error_code(errc::invalid_traceparent);
    }
    out = call.traceparent;
    return {};
  }
  if (envelope != nullptr && is_valid_trace_id(envelope->trace_id)) {
    out = format_traceparent(TraceContext{envelope->trace_id, new_parent_id(), 0x01});
  }
  return {};
}

std::string_view incoming_traceparent(const Headers& headers) {
  for (const auto& [name, value] : headers) {
    if (!same_header_name(name, kTraceparentHeader)) continue;
    return parse_traceparent(value) ? std::string_view(value) : std::string_view();
  }
  return {};
}

}  // namespace eventbus::core
