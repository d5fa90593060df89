// SPDX-License-Identifier: Apache-2.0
#include "core/errc_name.hpp"

#include <array>

#include "eventbus/error.hpp"

namespace eventbus::core {
namespace {

// In the order of eventbus::errc (error.hpp), the metrics' `error` label values.
constexpr std::array<std::string_view, kErrcCount> kNames{
    "other",
    "malformed_json",
    "invalid_event_id",
    "invalid_aggregate_id",
    "invalid_event_type",
    "invalid_event_version",
    "invalid_timestamp",
    "invalid_trace_id",
    "invalid_correlation_id",
    "invalid_tenant_id",
    "invalid_payload",
    "invalid_option",
    "invalid_topic",
    "unknown_transport",
    "in_flight_limit",
    "publish_timeout",
    "cancelled",
    "rejected",
    "message_too_large",
    "closed",
    "close_from_handler",
    "close_incomplete",
    "transport_error",
    "not_supported",
    "handler_failed",
    "rate_limited",
    "invalid_traceparent",
    "unknown_topic",
};
// Catches a code added after the last one named here only together with the unit test
// ErrcName.EveryCodeHasItsName, which walks the category's messages.
static_assert(static_cast<std::size_t>(errc::unknown_topic) == kErrcCount - 1,
              "a new eventbus::errc needs its name here and kErrcCount raised");

}  // namespace

std::size_t errc_index(std::error_code error) noexcept {
  if (error.category() != category()) return 0;
  const int value = error.value();
  return value > 0 && static_cast<std::size_t>(value) < kErrcCount ? static_cast<std::size_t>(value)
                                                                   : 0;
}

std::string_view errc_name(std::size_t index) noexcept {
  return index < kNames.size() ? kNames[index] : kNames[0];
}

}  // namespace eventbus::core
