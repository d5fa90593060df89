// SPDX-License-Identifier: Apache-2.0
// Typed reads of YAML values with errors that say what was expected. Values are read from the
// node's scalar text with our own parsers, not yaml-cpp's as<T>(), so "30s", "1_000" or "0x10"
// mean the same whether they come from a file or an environment variable.
#include "config/value_reader.hpp"

#include <charconv>

namespace eventbus::config {
namespace {

constexpr std::string_view kDurationHint = R"(expected a duration such as "30s" or "500ms")";

// At most 60 bytes of a value for an error message.
std::string clip(const std::string& text) {
  if (text.size() <= 60) return text;
  return text.substr(0, 60) + "...";
}

const std::string& scalar(const YAML::Node& node, const std::string& path,
                          std::string_view expected) {
  if (!node.IsScalar()) fail(path, std::string(expected) + ", got " + describe(node));
  return node.Scalar();
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(start, end - start);
    const auto first = item.find_first_not_of(" \t");
    const auto last = item.find_last_not_of(" \t");
    items.push_back(first == std::string::npos ? "" : item.substr(first, last - first + 1));
    start = end + 1;
  }
  return items;
}

// The items of a list value: a YAML sequence of scalars, or one comma-separated scalar.
std::vector<YAML::Node> list_items(const YAML::Node& node, const std::string& path,
                                   std::string_view expected) {
  std::vector<YAML::Node> items;
  if (node.IsSequence()) {
    for (const auto& item : node)
      items.push_back(item);
  } else if (node.IsScalar()) {
    if (node.Scalar().empty()) return items;
    for (auto& text : split_commas(node.Scalar()))
      items.emplace_back(text);
  } else {
    fail(path, std::string(expected) + ", got " + describe(node));
  }
  return items;
}

}  // namespace

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return node.Scalar().empty() ? "an empty value" : "\"" + clip(node.Scalar()) + "\"";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "nothing";
}

std::string read_string(const YAML::Node& node, const std::string& path) {
  return scalar(node, path, "expected a string");
}

bool read_bool(const YAML::Node& node, const std::string& path) {
  constexpr std::string_view kExpected = "expected true or false";
  const auto value = parse_bool(scalar(node, path, kExpected));
  if (!value) fail(path, std::string(kExpected) + ", got " + describe(node));
  return *value;
}

std::int64_t read_int(const YAML::Node& node, const std::string& path, std::int64_t min,
                      std::int64_t max) {
  const std::string range =
      "expected an integer from " + std::to_string(min) + " to " + std::to_string(max);
  const auto value = parse_int(scalar(node, path, range));
  if (!value || *value < min || *value > max) fail(path, range + ", got " + describe(node));
  return *value;
}

double read_double(const YAML::Node& node, const std::string& path, double min) {
  const std::string expected = "expected a number >= " + std::to_string(min).substr(0, 3);
  const std::string& text = scalar(node, path, expected);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !(value >= min) ||
      value > 1e9) {
    fail(path, expected + ", got " + describe(node));
  }
  return value;
}

std::chrono::milliseconds read_duration(const YAML::Node& node, const std::string& path) {
  std::string error;
  const auto value = parse_duration(scalar(node, path, kDurationHint), error);
  if (!value) fail(path, std::string(kDurationHint) + ", got " + describe(node) + ": " + error);
  return *value;
}

std::chrono::milliseconds read_positive_duration(const YAML::Node& node, const std::string& path) {
  const auto value = read_duration(node, path);
  if (value.count() == 0) fail(path, "expected a duration > 0, got " + describe(node));
  return value;
}

std::int64_t read_byte_size(const YAML::Node& node, const std::string& path, bool allow_unlimited) {
  const std::string expected = R"(expected a size such as "8MiB" or 1048576)";
  std::string error;
  const auto value = parse_byte_size(scalar(node, path, expected), allow_unlimited, error);
  if (!value) fail(path, expected + ", got " + describe(node) + ": " + error);
  return *value;
}

std::vector<std::string> read_string_list(const YAML::Node& node, const std::string& path) {
  std::vector<std::string> out;
  const auto items = list_items(node, path, "expected a list of strings");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    out.push_back(read_string(items[i], item_path));
    if (out.back().empty()) fail(item_path, "expected a non-empty string");
  }
  if (out.empty()) fail(path, "expected at least one item, got an empty list");
  return out;
}

std::vector<std::chrono::milliseconds> read_duration_list(const YAML::Node& node,
                                                          const std::string& path) {
  std::vector<std::chrono::milliseconds> out;
  const auto items = list_items(node, path, "expected a list of durations");
  for (std::size_t i = 0; i < items.size(); ++i)
    out.push_back(read_duration(items[i], path + "[" + std::to_string(i) + "]"));
  return out;
}

std::map<std::string, std::string> read_string_map(const YAML::Node& node,
                                                   const std::string& path) {
  std::map<std::string, std::string> out;
  if (node.IsNull()) return out;
  if (!node.IsMap()) fail(path, "expected a mapping of strings, got " + describe(node));
  for (const auto& entry : node) {
    const std::string key = read_string(entry.first, path);
    if (key.empty()) fail(path, "expected non-empty property names");
    if (!out.emplace(key, read_string(entry.second, path + "." + key)).second) {
      fail(path + "." + key, "given twice");
    }
  }
  return out;
}

}  // namespace eventbus::config
