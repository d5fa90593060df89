// SPDX-License-Identifier: Apache-2.0
// The top level of the file: type, serviceName, closeTimeout, every section, and `topics`,
// which comes last so each topic starts from the finished topic defaults.
#include "config/config_error.hpp"
#include "config/schema.hpp"
#include "config/value_reader.hpp"
#include "core/topic_name.hpp"

namespace eventbus::config {
namespace {

using Node = YAML::Node;
using Path = std::string;

void read_topics(const Node& node, const Path& path, ParseState& s) {
  if (node.IsNull()) return;
  if (!node.IsMap()) fail(path, "expected a mapping of topic names, got " + describe(node));
  for (const auto& entry : node) {
    const std::string name = read_string(entry.first, path);
    std::string detail;
    if (core::validate_topic(name, &detail)) fail(path + "." + name, "bad topic name: " + detail);
    const auto [it, inserted] = s.bus().topics.emplace(name, s.bus().default_topic);
    if (!inserted) fail(path + "." + name, "given twice");
    s.topic = &it->second;
    try {
      apply_section(entry.second, path + "." + name, topic_section(), s);
    } catch (...) {
      s.topic = &s.bus().default_topic;
      throw;
    }
    s.topic = &s.bus().default_topic;
  }
}

}  // namespace

const Section& root_section() {
  static const Section section{{
      {"type", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().transport = read_enum<std::string_view>(
             v, p, {{"memory", "memory"}, {"nats", "nats"}, {"kafka", "kafka"}});
       }},
      {"serviceName", "clientName", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().client_name = read_string(v, p);
         if (s.bus().client_name.empty()) fail(p, "expected a non-empty name");
       }},
      {"closeTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().close_timeout = read_duration(v, p);
       }},
      {"logLevel", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().log.level = read_enum<LogLevel>(v, p,
                                                 {{"debug", LogLevel::debug},
                                                  {"info", LogLevel::info},
                                                  {"warning", LogLevel::warning},
                                                  {"error", LogLevel::error}});
       }},
      {"publisher", "", KeyKind::section, nullptr, &publisher_section()},
      {"subscriber", "", KeyKind::section, nullptr, &subscriber_section()},
      {"healthCheck", "", KeyKind::section, nullptr, &health_check_section()},
      {"monitor", "", KeyKind::section, nullptr, &monitor_section()},
      {"memory", "", KeyKind::section, nullptr, &memory_section()},
      {"metrics", "", KeyKind::section, nullptr, &metrics_section()},
      {"outbox", "", KeyKind::section, nullptr, &outbox_section()},
      {"inbox", "", KeyKind::section, nullptr, &inbox_section()},
      {"kafka", "", KeyKind::section, nullptr, &kafka_section()},
      {"nats", "", KeyKind::section, nullptr, &nats_section()},
      {"topicDefaults", "", KeyKind::section, nullptr, &topic_section()},
      {"topics", "", KeyKind::topic_map, &read_topics},
  }};
  return section;
}

}  // namespace eventbus::config
