// SPDX-License-Identifier: Apache-2.0
#include "core/publish/call_extras.hpp"

#include <array>
#include <string_view>

#include "core/header_text.hpp"
#include "eventbus/error.hpp"

namespace eventbus::core {
namespace {

// docs/wire-format.md: what the bus writes from an envelope, on Kafka and on NATS.
constexpr std::array<std::string_view, 8> kEnvelopeHeaders = {
    "X-Event-ID", "X-Aggregate-ID",   "X-Event-Version", "X-Event-Type",
    "X-Trace-ID", "X-Correlation-ID", "X-Tenant-ID",     "Nats-Msg-Id"};

}  // namespace

std::error_code check_call_extras(const PublishCall& call, bool envelope, std::string& detail) {
  if (envelope && !call.key.empty()) {
    detail = "PublishCall::key is for raw publishes: an envelope's key is its aggregate_id";
    return make_error_code(errc::invalid_option);
  }
  for (const auto& [name, value] : call.headers) {
    if (name.empty()) {
      detail = "PublishCall::headers: a header has an empty name";
      return make_error_code(errc::invalid_option);
    }
    if (name.find('\0') != std::string::npos) {
      detail =
          "PublishCall::headers: header name " + quoted_header_text(name) + " holds a NUL byte";
      return make_error_code(errc::invalid_option);
    }
    if (same_header_name(name, "traceparent")) {
      detail =
          "PublishCall::headers: set a traceparent with PublishCall::traceparent, which is "
          "checked, not as a header";
      return make_error_code(errc::invalid_option);
    }
    if (!envelope) continue;
    for (std::string_view own : kEnvelopeHeaders) {
      if (same_header_name(name, own)) {
        detail = "PublishCall::headers: " + std::string(own) +
                 " is written by the bus from the envelope; set the envelope's field instead";
        return make_error_code(errc::invalid_option);
      }
    }
  }
  return {};
}

}  // namespace eventbus::core
