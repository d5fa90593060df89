// SPDX-License-Identifier: Apache-2.0
// The configuration schema: every known key, the section it belongs to, and the setter that
// writes its value into the Config being built. One table per section, in *_section.cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "eventbus/config.hpp"

namespace eventbus::config {

// The Config being built, where topic keys write, and which key set each shared option.
struct ParseState {
  Config config;
  // default_topic, or topics[name] while a `topics.<name>` entry is read.
  TopicOptions* topic = &config.bus.default_topic;
  std::map<std::string, std::string> claimed;  // shared option -> path of the key that set it

  BusOptions& bus() noexcept { return config.bus; }
  bool in_default_topic() const noexcept { return topic == &config.bus.default_topic; }
  // Records that `path` sets `option`; fails when another key already set it, so two keys that
  // mean the same option (kafka.consumer.groupId, subscriber.group) never silently compete.
  void claim(std::string_view option, const std::string& path);
};

using Setter = void (*)(const YAML::Node& value, const std::string& path, ParseState& state);

enum class KeyKind {
  value,      // one scalar
  list,       // a YAML list, or one comma-separated scalar (so an environment variable can set it)
  mapping,    // free-form string properties; not overridable from the environment
  section,    // a nested section of known keys
  topic_map,  // topic name -> topic section; not overridable from the environment
};

struct Section;

struct Key {
  std::string_view name;   // camelCase, as in the Go SDK's YAML
  std::string_view alias;  // another accepted spelling (the Go SDK's), or empty
  KeyKind kind;
  Setter set = nullptr;              // value, list, mapping and topic_map keys
  const Section* section = nullptr;  // section keys
};

struct Section {
  std::vector<Key> keys;  // applied in this order, whatever the file's order
};

const Section& root_section();
const Section& kafka_section();
const Section& nats_section();
const Section& publisher_section();
const Section& subscriber_section();
const Section& health_check_section();
const Section& monitor_section();
const Section& memory_section();
const Section& metrics_section();
const Section& outbox_section();
const Section& inbox_section();
// After the file was read: the outbox and inbox sections' keys that only make sense together
// (a store and its path or url, a group). Fails naming the key.
void check_outbox_sections(const Config& config);
// The keys of one topic: `topicDefaults`, each `topics.<name>`, and nats.jetstream.stream.
const Section& topic_section();
// The NATS stream keys (nats.jetstream.stream): the NATS part of topic_section().
const Section& jetstream_stream_section();

// Applies `node` (a mapping, or null for an empty section) to `state` through `section`.
// Fails on an unknown key, a key given twice (ignoring case), or a value of the wrong type.
void apply_section(const YAML::Node& node, const std::string& path, const Section& section,
                   ParseState& state);

// Whether `written` names `key` (ignoring ASCII case, as the Go SDK's viper does).
bool names_key(std::string_view written, const Key& key);

}  // namespace eventbus::config
