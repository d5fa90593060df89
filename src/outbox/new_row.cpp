// SPDX-License-Identifier: Apache-2.0
#include "outbox/new_row.hpp"

#include "core/topic_name.hpp"
#include "eventbus/codec.hpp"
#include "outbox/headers_json.hpp"
#include "outbox/unix_ms.hpp"

namespace eventbus::outbox {

Error prepare_row(std::string_view topic, const Envelope& envelope, const Headers* headers,
                  NewRow& row) {
  std::string topic_detail;
  if (std::error_code ec = core::validate_topic(topic, &topic_detail)) return {ec, topic_detail};
  row.payload.clear();
  if (ValidationError invalid = encode(envelope, row.payload)) {
    return {invalid.code, invalid.detail};
  }
  row.headers.clear();
  if (headers != nullptr && !headers->empty()) {
    if (Error error = encode_headers(*headers, row.headers)) return error;
  }
  row.created_at = unix_ms_now();
  return {};
}

}  // namespace eventbus::outbox
