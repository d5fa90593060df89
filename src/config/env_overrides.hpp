// SPDX-License-Identifier: Apache-2.0
// EVENTBUS_* environment variables written into the parsed YAML tree before it is applied, so
// an override goes through exactly the checks a value in the file does.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>

#include "eventbus/config.hpp"

namespace eventbus::config {

// The variable name for a key path: "kafka.consumer.groupId" -> "EVENTBUS_KAFKA_CONSUMER_GROUPID".
std::string environment_name(const std::string& path);

// Sets each key of the schema whose environment_name() is in `env` to that variable's text
// (lists: comma-separated), replacing the file's value under any spelling of the key. Keys of
// kind mapping and topic_map have no variable. Returns key path -> variable name of each
// override applied, for error messages.
std::map<std::string, std::string> apply_environment(YAML::Node& root, const Environment& env);

}  // namespace eventbus::config
