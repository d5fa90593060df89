// SPDX-License-Identifier: Apache-2.0
// parse_config / load_config_file: YAML text -> tree -> environment overrides -> schema ->
// BusOptions::validate(). Every failure leaves as one std::system_error naming its source.
#include "eventbus/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/config_error.hpp"
#include "config/document_count.hpp"
#include "config/env_overrides.hpp"
#include "config/schema.hpp"
#include "eventbus/error.hpp"

extern char** environ;

namespace eventbus {
namespace {

// A std::system_error whose what() is the message alone: std::system_error would append
// ": invalid option", which the message already says in more detail.
class ConfigError final : public std::system_error {
 public:
  ConfigError(std::error_code code, std::string message)
      : std::system_error(code), message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

[[noreturn]] void throw_invalid(std::string message) {
  throw ConfigError(make_error_code(errc::invalid_option), std::move(message));
}

// One YAML document; an empty text is an empty configuration.
YAML::Node load_document(std::string_view text, const std::string& source) {
  const std::string copy(text);
  try {
    if (config::count_documents(copy, 2) > 1) {
      throw_invalid(source + ": expected one YAML document, found more than one");
    }
    return YAML::Load(copy);
  } catch (const YAML::Exception& e) {
    throw_invalid(source + ":" + std::to_string(e.mark.line + 1) + ":" +
                  std::to_string(e.mark.column + 1) + ": not valid YAML: " + e.msg);
  }
}

// The mapping at `section` ("eventbus", "services.orders.eventbus"): keys walked one by one;
// siblings of the section are not looked at. A section written with nothing under it is an
// empty configuration.
YAML::Node find_section(const YAML::Node& document, std::string_view section,
                        const std::string& source) {
  YAML::Node node = document;
  std::string walked;
  std::size_t start = 0;
  while (start <= section.size()) {
    const std::size_t dot = std::min(section.find('.', start), section.size());
    const std::string key(section.substr(start, dot - start));
    if (key.empty())
      throw_invalid(source + ": section \"" + std::string(section) + "\": empty key");
    if (!node.IsMap()) {
      throw_invalid(source + ": " + (walked.empty() ? "the document" : walked) +
                    ": expected a mapping holding \"" + key + "\"");
    }
    walked += (walked.empty() ? "" : ".") + key;
    const YAML::Node& parent = node;  // const: reading a missing key must not add it
    YAML::Node child = parent[key];
    if (!child.IsDefined()) throw_invalid(source + ": section " + walked + " not found");
    node.reset(child);
    start = dot + 1;
  }
  if (node.IsNull()) node.reset(YAML::Node(YAML::NodeType::Map));
  return node;
}

std::string describe(const config::KeyError& error, const std::string& source,
                     const std::map<std::string, std::string>& from_env, std::string_view section) {
  std::string message = source + ": ";
  std::string path = std::string(section);
  if (!error.path.empty()) path += (path.empty() ? "" : ".") + error.path;
  if (!path.empty()) message += path + ": ";
  message += error.message;
  for (const auto& [path, variable] : from_env) {
    if (error.path == path || error.path.rfind(path + "[", 0) == 0) {
      message += " (from environment variable " + variable + ")";
    }
  }
  return message;
}

}  // namespace

Environment process_environment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (text.rfind("EVENTBUS_", 0) != 0 || equals == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, equals)), std::string(text.substr(equals + 1)));
  }
  return env;
}

Config parse_config(std::string_view yaml_text, std::string_view source_name,
                    const Environment& env) {
  return parse_config_section(yaml_text, "", source_name, env);
}

Config parse_config_section(std::string_view yaml_text, std::string_view section,
                            std::string_view source_name, const Environment& env) {
  const std::string source(source_name);
  config::ParseState state;
  std::map<std::string, std::string> from_env;
  try {
    const YAML::Node document = load_document(yaml_text, source);
    YAML::Node root = section.empty() ? document : find_section(document, section, source);
    from_env = config::apply_environment(root, env);
    config::apply_section(root, "", config::root_section(), state);
    config::check_outbox_sections(state.config);
  } catch (const config::KeyError& e) {
    throw_invalid(describe(e, source, from_env, section));
  }
  std::string detail;
  if (const auto ec = state.config.bus.validate(&detail)) {
    throw ConfigError(ec, source + ": invalid options: " + detail);
  }
  return std::move(state.config);
}

Config load_config_file(const std::string& path, const Environment& env) {
  return load_config_section(path, "", env);
}

Config load_config_section(const std::string& path, std::string_view section,
                           const Environment& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_invalid(path + ": cannot read the configuration file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw_invalid(path + ": cannot read the configuration file");
  return parse_config_section(text.str(), section, path, env);
}

}  // namespace eventbus
