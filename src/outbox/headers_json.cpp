// SPDX-License-Identifier: Apache-2.0
#include "outbox/headers_json.hpp"

#include <nlohmann/json.hpp>

#include "eventbus/error.hpp"

namespace eventbus::outbox {

Error encode_headers(const Headers& headers, std::string& out) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& [name, value] : headers) {
    if (name.empty()) {
      return {eventbus::make_error_code(eventbus::errc::invalid_option),
              "headers: a header has an empty name"};
    }
    array.push_back({name, value});
  }
  // Header values are bytes; replace what is not UTF-8 rather than throw.
  out = array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return {};
}

Error decode_headers(std::string_view text, Headers& out) {
  out.clear();
  const nlohmann::json array = nlohmann::json::parse(text, nullptr, false);
  const auto bad = [] {
    return Error{eventbus::make_error_code(eventbus::errc::invalid_option),
                 "headers column is not a JSON array of [name, value] string pairs"};
  };
  if (!array.is_array()) return bad();
  for (const auto& pair : array) {
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return bad();
    }
    out.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
  }
  return {};
}

}  // namespace eventbus::outbox
