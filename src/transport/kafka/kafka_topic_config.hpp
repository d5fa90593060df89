// SPDX-License-Identifier: Apache-2.0
// A Kafka topic's own settings (its dynamic topic configuration: retention.ms and the like),
// read and changed without touching the others.
//
// librdkafka 2.0.2 has only the old AlterConfigs, which replaces a topic's whole dynamic
// configuration (IncrementalAlterConfigs came with 2.2): a change made with it alone would
// reset every setting another team made on the topic. So a change reads the topic's dynamic
// settings first and sends them back with ours.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <string>
#include <system_error>

namespace eventbus::kafka {

struct TopicConfig {
  std::map<std::string, std::string> dynamic;    // set on the topic itself
  std::map<std::string, std::string> effective;  // every setting, with the broker's defaults
  bool has_hidden_dynamic = false;  // a sensitive dynamic setting whose value the broker hides
};

// Reads `topic`'s configuration; waits up to `timeout`.
std::error_code describe_topic_config(rd_kafka_t* rk, const std::string& topic,
                                      std::chrono::milliseconds timeout, TopicConfig& config,
                                      std::string& detail);

// Sets `changes` on `topic`, keeping its other dynamic settings (`current`).
std::error_code alter_topic_config(rd_kafka_t* rk, const std::string& topic,
                                   const TopicConfig& current,
                                   const std::map<std::string, std::string>& changes,
                                   std::chrono::milliseconds timeout, std::string& detail);

}  // namespace eventbus::kafka
