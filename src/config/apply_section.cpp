// SPDX-License-Identifier: Apache-2.0
// Walks one YAML mapping against its section's keys. Unknown keys are rejected before any value
// is applied, and keys are applied in schema order, so `topics` (last) inherits everything the
// file says about topic defaults wherever it says it.
#include <cctype>
#include <optional>

#include "config/config_error.hpp"
#include "config/schema.hpp"
#include "config/value_reader.hpp"

namespace eventbus::config {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string known_keys(const Section& section) {
  std::string out;
  for (const Key& key : section.keys)
    out += (out.empty() ? "" : ", ") + std::string(key.name);
  return out;
}

const Key* find_key(const Section& section, std::string_view written) {
  for (const Key& key : section.keys) {
    if (names_key(written, key)) return &key;
  }
  return nullptr;
}

// The value of each known key present in `node`, by index into section.keys.
std::vector<std::optional<YAML::Node>> collect(const YAML::Node& node, const std::string& path,
                                               const Section& section) {
  std::vector<std::optional<YAML::Node>> values(section.keys.size());
  std::vector<std::string> written(section.keys.size());
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) fail(path, "expected key names, got " + describe(entry.first));
    const std::string& name = entry.first.Scalar();
    const Key* key = find_key(section, name);
    if (key == nullptr) {
      throw KeyError{
          "", "unknown key \"" + join(path, name) + "\" (known: " + known_keys(section) + ")"};
    }
    const auto index = static_cast<std::size_t>(key - section.keys.data());
    if (!written[index].empty()) {
      fail(join(path, name), "given twice (also as \"" + written[index] + "\")");
    }
    written[index] = name;
    values[index].emplace(entry.second);
  }
  return values;
}

}  // namespace

bool names_key(std::string_view written, const Key& key) {
  return equal_ignoring_case(written, key.name) ||
         (!key.alias.empty() && equal_ignoring_case(written, key.alias));
}

void apply_section(const YAML::Node& node, const std::string& path, const Section& section,
                   ParseState& state) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    fail(path.empty() ? "<document>" : path, "expected a mapping, got " + describe(node));
  }
  const auto values = collect(node, path, section);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) continue;
    const Key& key = section.keys[i];
    const std::string key_path = join(path, key.name);
    if (key.kind == KeyKind::section) {
      apply_section(*values[i], key_path, *key.section, state);
    } else {
      key.set(*values[i], key_path, state);
    }
  }
}

void ParseState::claim(std::string_view option, const std::string& path) {
  const auto [it, inserted] = claimed.emplace(std::string(option), path);
  if (!inserted && it->second != path) {
    fail(path, "sets the same option as " + it->second + "; give it in one place");
  }
}

}  // namespace eventbus::config
