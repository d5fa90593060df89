// SPDX-License-Identifier: Apache-2.0
// A Kafka record's headers as the library's Headers, in the record's order: what the consumer
// hands a handler and what a read gives its caller.
#pragma once

#include <librdkafka/rdkafka.h>

#include "eventbus/message.hpp"

namespace eventbus::kafka {

// Appends the record's headers to `out` (none when it has none); a null value becomes empty.
void append_record_headers(const rd_kafka_message_t& record, Headers& out);

}  // namespace eventbus::kafka
