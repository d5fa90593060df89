// SPDX-License-Identifier: Apache-2.0
// Short, stable names of error codes for metric labels: a bounded set, so a label taken from
// an error never grows a metric's cardinality.
#pragma once

#include <cstddef>
#include <string_view>
#include <system_error>

namespace eventbus::core {

// Values of eventbus::errc are 1..kErrcCount-1; index 0 stands for every other code.
inline constexpr std::size_t kErrcCount = 28;

// The index of `error` among the names: its eventbus::errc value, or 0 ("other") for codes of
// another category or unknown values.
std::size_t errc_index(std::error_code error) noexcept;
// "in_flight_limit", "publish_timeout", ...; "other" for index 0.
std::string_view errc_name(std::size_t index) noexcept;

}  // namespace eventbus::core
