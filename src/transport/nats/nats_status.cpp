// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/nats_status.hpp"

#include "eventbus/error.hpp"

namespace eventbus::nats {

std::error_code to_error(natsStatus status, jsErrCode js_code) {
  switch (status) {
    case NATS_OK:
      return {};
    case NATS_TIMEOUT:  // a request or a connection attempt: the server did not answer in time
      return make_error_code(errc::transport_error);
    case NATS_MAX_PAYLOAD:
      return make_error_code(errc::message_too_large);
    case NATS_NO_RESPONDERS:
      return make_error_code(errc::rejected);  // no stream has the subject
    default:
      break;
  }
  if (js_code != 0) return make_error_code(errc::rejected);
  return make_error_code(errc::transport_error);
}

std::string describe(std::string_view what, natsStatus status, jsErrCode js_code) {
  std::string text(what);
  text += ": ";
  text += natsStatus_GetText(status);
  if (js_code != 0) text += " (JetStream error " + std::to_string(js_code) + ")";
  // nats.c keeps a per-thread text of the last error with more detail; it never holds secrets.
  const char* last = nats_GetLastError(nullptr);
  if (last != nullptr && *last != '\0' && std::string_view(last) != natsStatus_GetText(status)) {
    text += " - ";
    text += last;
  }
  return text;
}

void check(natsStatus status, std::string_view what, jsErrCode js_code) {
  if (status != NATS_OK)
    throw std::system_error(to_error(status, js_code), describe(what, status, js_code));
}

}  // namespace eventbus::nats
