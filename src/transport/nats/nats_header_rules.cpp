// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/nats_header_rules.hpp"

#include <algorithm>

#include "core/header_text.hpp"
#include "core/publish/call_extras.hpp"
#include "eventbus/error.hpp"

namespace eventbus::nats {
namespace {

bool valid_name(std::string_view name) {
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c > ' ' && c < 0x7f && c != ':'; });
}

bool valid_value(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

std::error_code check_nats_outgoing(std::string_view key, const Headers& headers,
                                    std::string& detail) {
  if (!key.empty()) {
    detail =
        "PublishCall::key: NATS messages have no key (an X-Aggregate-ID header keeps a raw "
        "message's aggregate in one lane for eventbus readers)";
    return make_error_code(errc::not_supported);
  }
  for (const auto& [name, value] : headers) {
    if (!valid_name(name)) {
      detail = "PublishCall::headers: header name " + core::quoted_header_text(name) +
               " cannot go in a NATS message (printable ASCII without ':' or spaces only)";
      return make_error_code(errc::invalid_option);
    }
    if (!valid_value(value)) {
      detail = "PublishCall::headers: the value of header " + name +
               " holds a CR, LF or NUL byte, which a NATS header cannot carry";
      return make_error_code(errc::invalid_option);
    }
  }
  return {};
}

}  // namespace eventbus::nats
