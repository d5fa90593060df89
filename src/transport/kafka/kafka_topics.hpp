// Topic admin for Kafka: creates or checks a topic from its TopicOptions and strategy.
#pragma once

#include <librdkafka/rdkafka.h>

#include <string>
#include <system_error>

#include "eventbus/options.hpp"

namespace eventbus::kafka {

// create_only / create_or_update create a missing topic (partitions, replication factor,
// retention, compression); create_or_update also adds partitions to an existing one that has
// fewer. validate_only fails (invalid_option, naming what differs) when it is missing or has
// another partition count. skip does nothing.
std::error_code ensure_kafka_topic(rd_kafka_t* admin, const BusOptions& options,
                                   const std::string& topic, std::string& detail);

// What the broker's metadata says of a topic's partitions.
struct PartitionCount {
  int total = -1;  // -1: the topic is unknown
  int led = 0;     // partitions the metadata names a leader for (see leaders_answer)
};
PartitionCount partition_count(rd_kafka_t* handle, const std::string& topic, int timeout_ms);

// True when the leader of each of the topic's first `partitions` partitions answers for it (a
// ListOffsets request): a KRaft broker lists a new partition's leader in its metadata a moment
// before that leader accepts produce requests.
bool leaders_answer(rd_kafka_t* handle, const std::string& topic, int partitions, int timeout_ms);

}  // namespace eventbus::kafka
