// SPDX-License-Identifier: Apache-2.0
// Topic admin for Kafka: creates or checks a topic from its TopicOptions and strategy.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <system_error>

#include "core/log.hpp"
#include "eventbus/options.hpp"

namespace eventbus::kafka {

// Applies the topic's strategy (see topic_options.hpp): creates a missing topic with the set
// settings or their defaults; uses an existing one as it is (create_only), checks the set
// settings (validate_only) or applies them (create_or_update: retention; partitions only with
// allow_partition_increase, never fewer; never the replication factor). A refused change
// fails with invalid_option naming the topic, what it has and what was asked, and changes
// nothing. skip does nothing. `partitions` receives the topic's partition count (-1: skip).
std::error_code ensure_kafka_topic(rd_kafka_t* admin, const BusOptions& options,
                                   const core::Log& log, const std::string& topic, int& partitions,
                                   std::string& detail);

// What the broker's metadata says of a topic's partitions.
struct PartitionCount {
  int total = -1;         // -1: the topic is unknown
  int led = 0;            // partitions the metadata names a leader for (see leaders_answer)
  int replicas = 0;       // of its first partition: the topic's replication factor
  bool answered = false;  // false: no broker answered the metadata request in time
};
PartitionCount partition_count(rd_kafka_t* handle, const std::string& topic, int timeout_ms);

// True when the leader of each of the topic's first `partitions` partitions answers for it (a
// ListOffsets request): a KRaft broker lists a new partition's leader in its metadata a moment
// before that leader accepts produce requests.
bool leaders_answer(rd_kafka_t* handle, const std::string& topic, int partitions, int timeout_ms);

}  // namespace eventbus::kafka
