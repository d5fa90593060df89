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

// The partition count the broker reports, or -1 when the topic is unknown.
int partition_count(rd_kafka_t* handle, const std::string& topic, int timeout_ms);

}  // namespace eventbus::kafka
