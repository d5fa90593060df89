// SPDX-License-Identifier: Apache-2.0
#include "payload_source.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

namespace eventbus::cli {

std::optional<std::string> read_payload(const std::string& arg, std::string& error) {
  if (arg == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (!arg.empty() && arg[0] == '@') {
    const std::string path = arg.substr(1);
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      error = "--payload: cannot read " + path;
      return std::nullopt;
    }
    std::ostringstream bytes;
    bytes << file.rdbuf();
    return bytes.str();
  }
  return arg;
}

std::string json_error(const std::string& text) {
  try {
    [[maybe_unused]] const nlohmann::json value = nlohmann::json::parse(text);
    return {};
  } catch (const nlohmann::json::parse_error& e) {
    // what() already says the line and column; the byte is for payloads on one line.
    return "invalid JSON at byte " + std::to_string(e.byte) + ": " + e.what();
  }
}

}  // namespace eventbus::cli
