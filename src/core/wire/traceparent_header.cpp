// SPDX-License-Identifier: Apache-2.0
#include "core/wire/traceparent_header.hpp"

#include <cctype>

#include "eventbus/error.hpp"
#include "eventbus/trace_context.hpp"

namespace eventbus::core {
namespace {

bool names_traceparent(std::string_view name) {
  if (name.size() != kTraceparentHeader.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != kTraceparentHeader[i]) return false;
  }
  return true;
}

// Quoted, and clipped so that a huge value cannot flood a log line.
std::string quoted(std::string_view value) {
  constexpr std::size_t kMax = 80;
  if (value.size() <= kMax) return "\"" + std::string(value) + "\"";
  return "\"" + std::string(value.substr(0, kMax)) + "...\" (" + std::to_string(value.size()) +
         " characters)";
}

}  // namespace

std::error_code outgoing_traceparent(const PublishCall& call, const Envelope* envelope,
                                     std::string& out, std::string& detail) {
  if (!call.traceparent.empty()) {
    if (!parse_traceparent(call.traceparent)) {
      detail = "traceparent: " + quoted(call.traceparent) +
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
    if (!names_traceparent(name)) continue;
    return parse_traceparent(value) ? std::string_view(value) : std::string_view();
  }
  return {};
}

}  // namespace eventbus::core
