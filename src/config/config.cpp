// SPDX-License-Identifier: Apache-2.0
// parse_config / load_config_file: YAML text -> tree -> environment overrides -> schema ->
// BusOptions::validate(). Every failure leaves as one std::system_error naming its source.
#include "eventbus/config.hpp"

#include <yaml-cpp/yaml.h>

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

std::string describe(const config::KeyError& error, const std::string& source,
                     const std::map<std::string, std::string>& from_env) {
  std::string message = source + ": ";
  if (!error.path.empty()) message += error.path + ": ";
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
  const std::string source(source_name);
  config::ParseState state;
  std::map<std::string, std::string> from_env;
  try {
    YAML::Node root = load_document(yaml_text, source);
    from_env = config::apply_environment(root, env);
    config::apply_section(root, "", config::root_section(), state);
  } catch (const config::KeyError& e) {
    throw_invalid(describe(e, source, from_env));
  }
  std::string detail;
  if (const auto ec = state.config.bus.validate(&detail)) {
    throw ConfigError(ec, source + ": invalid options: " + detail);
  }
  return std::move(state.config);
}

Config load_config_file(const std::string& path, const Environment& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_invalid(path + ": cannot read the configuration file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw_invalid(path + ": cannot read the configuration file");
  return parse_config(text.str(), path, env);
}

}  // namespace eventbus
