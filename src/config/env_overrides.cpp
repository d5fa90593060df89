// SPDX-License-Identifier: Apache-2.0
// Only exact names of known keys apply: the test suites set EVENTBUS_NATS_URL,
// EVENTBUS_KAFKA_BROKERS, EVENTBUS_NATS_STATE and EVENTBUS_KAFKA_STATE for their own use, and a
// typo in a variable name cannot be told from someone else's variable, so neither is an error.
#include "config/env_overrides.hpp"

#include <cctype>
#include <vector>

#include "config/schema.hpp"

namespace eventbus::config {
namespace {

struct Leaf {
  std::vector<const Key*> keys;  // from the root section down to the leaf
  std::string path;
};

void collect_leaves(const Section& section, std::vector<const Key*>& trail, const std::string& path,
                    std::vector<Leaf>& out) {
  for (const Key& key : section.keys) {
    const std::string key_path =
        path.empty() ? std::string(key.name) : path + "." + std::string(key.name);
    trail.push_back(&key);
    if (key.kind == KeyKind::section) {
      collect_leaves(*key.section, trail, key_path, out);
    } else if (key.kind == KeyKind::value || key.kind == KeyKind::list) {
      out.push_back({trail, key_path});
    }
    trail.pop_back();
  }
}

const std::vector<Leaf>& leaves() {
  static const std::vector<Leaf> all = [] {
    std::vector<Leaf> out;
    std::vector<const Key*> trail;
    collect_leaves(root_section(), trail, "", out);
    return out;
  }();
  return all;
}

// Removes every entry of `map` that names `key` under any spelling; returns whether it had one.
bool remove_key(YAML::Node& map, const Key& key) {
  bool removed = false;
  for (bool again = true; again;) {
    again = false;
    for (const auto& entry : map) {
      if (entry.first.IsScalar() && names_key(entry.first.Scalar(), key)) {
        const std::string written = entry.first.Scalar();
        map.remove(written);
        removed = again = true;
        break;
      }
    }
  }
  return removed;
}

// The mapping of section `key` inside `map`, created (or put in place of a non-mapping value,
// which the variable overrides) when missing.
YAML::Node section_of(YAML::Node& map, const Key& key) {
  for (const auto& entry : map) {
    if (entry.first.IsScalar() && names_key(entry.first.Scalar(), key) && entry.second.IsMap()) {
      YAML::Node existing;
      existing.reset(entry.second);
      return existing;
    }
  }
  remove_key(map, key);
  map[std::string(key.name)] = YAML::Node(YAML::NodeType::Map);
  YAML::Node created;
  created.reset(map[std::string(key.name)]);
  return created;
}

void set_leaf(YAML::Node& root, const Leaf& leaf, const std::string& value) {
  YAML::Node map;
  map.reset(root);
  for (std::size_t i = 0; i + 1 < leaf.keys.size(); ++i) {
    YAML::Node next = section_of(map, *leaf.keys[i]);
    map.reset(next);
  }
  const Key& key = *leaf.keys.back();
  remove_key(map, key);
  map[std::string(key.name)] = value;
}

}  // namespace

std::string environment_name(const std::string& path) {
  std::string name = "EVENTBUS_";
  for (const char c : path)
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::map<std::string, std::string> apply_environment(YAML::Node& root, const Environment& env) {
  std::map<std::string, std::string> applied;
  if (env.empty()) return applied;
  if (root.IsNull()) root.reset(YAML::Node(YAML::NodeType::Map));
  if (!root.IsMap()) return applied;  // the file's own error is reported when it is applied
  for (const Leaf& leaf : leaves()) {
    const std::string name = environment_name(leaf.path);
    const auto it = env.find(name);
    if (it == env.end()) continue;
    set_leaf(root, leaf, it->second);
    applied.emplace(leaf.path, name);
  }
  return applied;
}

}  // namespace eventbus::config
