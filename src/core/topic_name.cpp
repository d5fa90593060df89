// SPDX-License-Identifier: Apache-2.0
#include "core/topic_name.hpp"

#include "eventbus/error.hpp"

namespace eventbus::core {
namespace {

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::error_code bad(std::string* detail, std::string what) {
  if (detail != nullptr) *detail = std::move(what);
  return make_error_code(errc::invalid_topic);
}

}  // namespace

std::error_code validate_topic(std::string_view topic, std::string* detail) {
  if (topic.empty()) return bad(detail, "topic: empty");
  if (topic.size() > kMaxTopicLength) {
    return bad(detail, "topic: " + std::to_string(topic.size()) + " characters, at most 249");
  }
  for (std::size_t i = 0; i < topic.size(); ++i) {
    if (!allowed(topic[i])) {
      const unsigned code = static_cast<unsigned char>(topic[i]);
      return bad(detail, "topic: character code " + std::to_string(code) + " at offset " +
                             std::to_string(i) + " is not one of A-Z a-z 0-9 . _ -");
    }
  }
  if (topic.front() == '.' || topic.back() == '.' || topic.find("..") != std::string_view::npos) {
    return bad(detail, "topic: '" + std::string(topic) + "' has an empty '.'-separated token");
  }
  return {};
}

}  // namespace eventbus::core
