// SPDX-License-Identifier: Apache-2.0
// Where a read of a Kafka topic starts and ends in each partition, asked of the broker before
// the first record is fetched (kafka_reader.hpp): the topic's partitions from the metadata,
// their watermarks, and the start the ReadOptions ask for (the beginning, the high watermark,
// a time, or a group's committed offsets).
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <stop_token>
#include <string>
#include <system_error>
#include <vector>

#include "core/deadline.hpp"
#include "eventbus/reading.hpp"

namespace eventbus::kafka {

struct PartitionPlan {
  std::int32_t partition = 0;
  std::int64_t start = RD_KAFKA_OFFSET_BEGINNING;  // an offset, or RD_KAFKA_OFFSET_BEGINNING
  std::int64_t low = 0;                            // the watermarks when the read started
  std::int64_t high = 0;                           // without follow, the read stops here
};

// Fills `plan` with every partition of `topic`. Each broker call is bounded by `deadline` and
// asked again in slices of at most a second, so a requested `stop` ends the wait soon (then
// `cancelled`). unknown_topic for a topic the metadata does not list (never created: the
// metadata asked for is that of all topics); transport_error when the broker does not answer
// in time or refuses, `detail` saying which call.
std::error_code plan_read(rd_kafka_t* rk, const std::string& topic, const ReadOptions& options,
                          core::Deadline deadline, const std::stop_token& stop,
                          std::vector<PartitionPlan>& plan, std::string& detail);

}  // namespace eventbus::kafka
