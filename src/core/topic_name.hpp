// SPDX-License-Identifier: Apache-2.0
// Topic names every transport can carry: Kafka's topic alphabet, which is also a valid NATS
// subject without wildcards ("*", ">") or empty tokens.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

namespace eventbus::core {

inline constexpr std::size_t kMaxTopicLength = 249;  // Kafka's limit

// Empty when valid; otherwise invalid_topic, with a detail naming the problem.
std::error_code validate_topic(std::string_view topic, std::string* detail = nullptr);

}  // namespace eventbus::core
