// SPDX-License-Identifier: Apache-2.0
// docs/configuration.md against the configuration schema: every key the file accepts has a row
// naming its environment variable, every other spelling it accepts is mentioned, and no row
// names a key the schema does not have. The reference cannot fall behind the code.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "config/env_overrides.hpp"
#include "config/schema.hpp"

#ifndef EVENTBUS_DOCS_DIR
#error "define EVENTBUS_DOCS_DIR as the directory holding configuration.md"
#endif

namespace {

using eventbus::config::Key;
using eventbus::config::KeyKind;
using eventbus::config::Section;

struct SchemaKey {
  std::string alias;
  KeyKind kind = KeyKind::value;
  bool has_variable = false;  // EVENTBUS_* overrides it
};

// Every key by its full path; the keys of one topic appear once, under `topicDefaults`, and
// `topics` as "topics.<name>".
void collect(const Section& section, const std::string& prefix,
             std::map<std::string, SchemaKey>& out) {
  for (const Key& key : section.keys) {
    std::string path =
        prefix.empty() ? std::string(key.name) : prefix + "." + std::string(key.name);
    if (key.kind == KeyKind::topic_map) path += ".<name>";
    const bool has_variable = key.kind == KeyKind::value || key.kind == KeyKind::list;
    out[path] = SchemaKey{std::string(key.alias), key.kind, has_variable};
    if (key.kind == KeyKind::section) collect(*key.section, path, out);
  }
}

std::map<std::string, SchemaKey> schema_keys() {
  std::map<std::string, SchemaKey> keys;
  collect(eventbus::config::root_section(), "", keys);
  return keys;
}

std::string read_page() {
  const std::string path = EVENTBUS_DOCS_DIR "/configuration.md";
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The cells of a Markdown table row ("| a | b |" -> {"a", "b"}); empty for any other line.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  if (line.empty() || line.front() != '|') return out;
  std::size_t start = 1;
  for (std::size_t bar = line.find('|', start); bar != std::string::npos;
       bar = line.find('|', start)) {
    out.push_back(trim(line.substr(start, bar - start)));
    start = bar + 1;
  }
  return out;
}

// "`kafka.brokers`" -> "kafka.brokers"; empty when the cell is not one code span.
std::string code_span(const std::string& cell) {
  if (cell.size() < 3 || cell.front() != '`' || cell.back() != '`') return {};
  const std::string inner = cell.substr(1, cell.size() - 2);
  if (inner.find_first_of("` ") != std::string::npos) return {};
  return inner;
}

// The key rows of the page: key path -> its last cell (the environment variable column).
std::map<std::string, std::string> key_rows(const std::string& page,
                                            std::vector<std::string>& twice) {
  std::map<std::string, std::string> rows;
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    const std::vector<std::string> row = cells(line);
    if (row.size() < 2) continue;
    const std::string key = code_span(row.front());
    if (key.empty()) continue;
    if (!rows.emplace(key, row.back()).second) twice.push_back(key);
  }
  return rows;
}

TEST(ConfigReference, EveryKeyOfTheSchemaHasARowWithItsVariable) {
  const std::string page = read_page();
  std::vector<std::string> twice;
  const std::map<std::string, std::string> rows = key_rows(page, twice);
  for (const auto& [path, key] : schema_keys()) {
    if (key.kind == KeyKind::section) continue;          // its keys have rows of their own
    if (path.rfind("topics.<name>.", 0) == 0) continue;  // documented under topicDefaults
    const auto row = rows.find(path);
    if (row == rows.end()) {
      ADD_FAILURE() << "docs/configuration.md has no row for key `" << path << "`";
      continue;
    }
    const std::string expected =
        key.has_variable ? "`" + eventbus::config::environment_name(path) + "`" : "-";
    EXPECT_EQ(row->second, expected) << "the variable column of key `" << path << "`";
  }
  EXPECT_TRUE(twice.empty()) << "keys with more than one row: " << ::testing::PrintToString(twice);
}

TEST(ConfigReference, EveryOtherSpellingIsMentioned) {
  const std::string page = read_page();
  for (const auto& [path, key] : schema_keys()) {
    if (key.alias.empty() || path.rfind("topics.<name>.", 0) == 0) continue;
    EXPECT_NE(page.find("`" + key.alias + "`"), std::string::npos)
        << "docs/configuration.md does not mention `" << key.alias << "`, accepted for `" << path
        << "`";
  }
}

TEST(ConfigReference, EveryRowNamesAKeyOfTheSchema) {
  const std::string page = read_page();
  std::vector<std::string> twice;
  const std::map<std::string, SchemaKey> keys = schema_keys();
  for (const auto& [path, variable] : key_rows(page, twice)) {
    const auto key = keys.find(path);
    EXPECT_TRUE(key != keys.end() && key->second.kind != KeyKind::section)
        << "docs/configuration.md has a row for `" << path << "`, which is not a key of the schema";
  }
}

}  // namespace
