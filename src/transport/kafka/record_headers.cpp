// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/record_headers.hpp"

namespace eventbus::kafka {

void append_record_headers(const rd_kafka_message_t& record, Headers& out) {
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&record, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  out.reserve(out.size() + rd_kafka_header_cnt(headers));
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    out.emplace_back(name, value != nullptr ? std::string(static_cast<const char*>(value), size)
                                            : std::string());
  }
}

}  // namespace eventbus::kafka
