// SPDX-License-Identifier: Apache-2.0
// Reads one typed value from a YAML node, or throws a KeyError naming the key's path, what was
// expected and what was found. Every setter of the schema goes through these.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_error.hpp"
#include "config/value_text.hpp"

namespace eventbus::config {

// What a node holds, for error messages: "\"abc\"", "a mapping", "a list", "nothing".
std::string describe(const YAML::Node& node);

std::string read_string(const YAML::Node& node, const std::string& path);
bool read_bool(const YAML::Node& node, const std::string& path);
std::int64_t read_int(const YAML::Node& node, const std::string& path, std::int64_t min,
                      std::int64_t max = std::numeric_limits<std::int32_t>::max());
double read_double(const YAML::Node& node, const std::string& path, double min);
std::chrono::milliseconds read_duration(const YAML::Node& node, const std::string& path);
// A duration > 0, for timeouts and intervals where 0 would mean "never" or "spin".
std::chrono::milliseconds read_positive_duration(const YAML::Node& node, const std::string& path);
std::int64_t read_byte_size(const YAML::Node& node, const std::string& path, bool allow_unlimited);
// A YAML list of strings, or one string of comma-separated items; never empty.
std::vector<std::string> read_string_list(const YAML::Node& node, const std::string& path);
// A YAML list of durations, or one string of comma-separated durations; may be empty ([]).
std::vector<std::chrono::milliseconds> read_duration_list(const YAML::Node& node,
                                                          const std::string& path);
// A mapping of string to string (extra librdkafka properties).
std::map<std::string, std::string> read_string_map(const YAML::Node& node, const std::string& path);

// One of `names` (compared with fold_name, so case, '_' and '-' do not matter).
template <class E>
E read_enum(const YAML::Node& node, const std::string& path,
            std::initializer_list<std::pair<std::string_view, E>> names) {
  const std::string text = read_string(node, path);
  for (const auto& [name, value] : names) {
    if (fold_name(text) == fold_name(name)) return value;
  }
  std::string expected;
  for (const auto& [name, value] : names)
    expected += (expected.empty() ? "" : ", ") + std::string(name);
  fail(path, "expected one of " + expected + ", got " + describe(node));
}

}  // namespace eventbus::config
