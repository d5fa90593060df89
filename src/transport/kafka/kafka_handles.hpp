// SPDX-License-Identifier: Apache-2.0
// Owning handles for librdkafka objects; each frees its object with the matching call.
// Ownership passes to librdkafka only after the call that takes it succeeded.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>

namespace eventbus::kafka {

struct ConfFree {
  void operator()(rd_kafka_conf_t* p) const noexcept { rd_kafka_conf_destroy(p); }
};
struct HandleFree {
  void operator()(rd_kafka_t* p) const noexcept { rd_kafka_destroy(p); }
};
struct PartitionListFree {
  void operator()(rd_kafka_topic_partition_list_t* p) const noexcept {
    rd_kafka_topic_partition_list_destroy(p);
  }
};
struct HeadersFree {
  void operator()(rd_kafka_headers_t* p) const noexcept { rd_kafka_headers_destroy(p); }
};
struct MessageFree {
  void operator()(rd_kafka_message_t* p) const noexcept { rd_kafka_message_destroy(p); }
};
struct QueueFree {
  void operator()(rd_kafka_queue_t* p) const noexcept { rd_kafka_queue_destroy(p); }
};
struct EventFree {
  void operator()(rd_kafka_event_t* p) const noexcept { rd_kafka_event_destroy(p); }
};
struct ErrorFree {
  void operator()(rd_kafka_error_t* p) const noexcept { rd_kafka_error_destroy(p); }
};

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfFree>;
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleFree>;
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListFree>;
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersFree>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageFree>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueFree>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventFree>;
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorFree>;

}  // namespace eventbus::kafka
