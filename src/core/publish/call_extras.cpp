// SPDX-License-Identifier: Apache-2.0
#include "core/publish/call_extras.hpp"

#include <array>
#include <string_view>

#include "eventbus/error.hpp"

namespace eventbus::core {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// docs/wire-format.md: what the bus writes from an envelope, on Kafka and on NATS.
constexpr std::array<std::string_view, 8> kEnvelopeHeaders = {
    "X-Event-ID", "X-Aggregate-ID",   "X-Event-Version", "X-Event-Type",
    "X-Trace-ID", "X-Correlation-ID", "X-Tenant-ID",     "Nats-Msg-Id"};

}  // namespace

std::string quoted_header_text(std::string_view text) {
  constexpr std::size_t kShown = 64;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      constexpr std::string_view kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kShown) out += "...";
  out += '"';
  return out;
}

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
    if (same_name(name, "traceparent")) {
      detail =
          "PublishCall::headers: set a traceparent with PublishCall::traceparent, which is "
          "checked, not as a header";
      return make_error_code(errc::invalid_option);
    }
    if (!envelope) continue;
    for (std::string_view own : kEnvelopeHeaders) {
      if (same_name(name, own)) {
        detail = "PublishCall::headers: " + std::string(own) +
                 " is written by the bus from the envelope; set the envelope's field instead";
        return make_error_code(errc::invalid_option);
      }
    }
  }
  return {};
}

}  // namespace eventbus::core
