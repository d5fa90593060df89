// SPDX-License-Identifier: Apache-2.0
// clang-format off
/// @file
/// Error codes of the eventbus category and their classification.
///
/// Every failure the library reports is a std::error_code in eventbus::category(). Compare a
/// code against an eventbus::error_class to learn what to do with it:
/// @code
///   ec == eventbus::error_class::retriable -> try again later (timeouts, full queues, broker down)
///   ec == eventbus::error_class::fatal     -> configuration or programming error; retrying won't help
///   ec == eventbus::error_class::poison    -> this message can never be handled (bad bytes, bad fields)
/// @endcode
// clang-format on
#pragma once

#include <string>
#include <system_error>

namespace eventbus {

// clang-format off
/// The error codes of category(). In groups: envelope validation and decoding (the message
/// names the field), configuration and arguments, publishing, lifecycle and transport,
/// consuming; codes added later come last, so that earlier values keep their numbers.
enum class errc {
  // Envelope validation and decoding; the message names the field.
  malformed_json = 1,      ///< not a JSON object, truncated, or not UTF-8
  invalid_event_id,        ///< event_id missing, not a string, or blank
  invalid_aggregate_id,    ///< aggregate_id missing, too long, or a character outside A-Z a-z 0-9 : _ - . /
  invalid_event_type,      ///< event_type missing, not a string, or blank
  invalid_event_version,   ///< event_version missing, not an int64, or <= 0
  invalid_timestamp,       ///< timestamp missing or not RFC 3339 with a zone
  invalid_trace_id,        ///< trace_id present but not a string
  invalid_correlation_id,  ///< correlation_id present but not a string
  invalid_tenant_id,       ///< tenant_id present but not an integer
  invalid_payload,         ///< payload missing or not valid JSON
  // Configuration and arguments.
  invalid_option,          ///< an option is out of range or unknown, or the broker refuses it; the message names it
  invalid_topic,           ///< empty, non-ASCII, blank or wildcard characters in a topic name
  unknown_transport,       ///< BusOptions::transport is not memory, nats or kafka, or names one this build left out
  // Publishing.
  in_flight_limit,         ///< the in-flight bound was reached and the policy is fail-fast
  publish_timeout,         ///< no room before the caller's deadline, or no broker ack in time
  cancelled,               ///< abandoned by close() before the broker acknowledged it
  rejected,                ///< the broker refused the message
  message_too_large,       ///< larger than the broker (or MemoryOptions::max_message_bytes) accepts
  // Lifecycle and transport.
  closed,                  ///< the bus is closed or closing
  close_from_handler,      ///< close() from a handler, or unsubscribe() from its own handler, would wait for itself
  close_incomplete,        ///< close() or unsubscribe() reached its deadline with work left (see CloseReport)
  transport_error,         ///< the broker cannot be reached, or the client library failed
  not_supported,           ///< not supported by this transport
  // Consuming.
  handler_failed,          ///< a handler returned an error or threw
  // Added later, at the end so that earlier values keep their numbers.
  rate_limited,            ///< publishing: no rate-limit token before the call's deadline
  invalid_traceparent,     ///< PublishCall::traceparent is not a W3C traceparent
  unknown_topic,           ///< reading: the topic (Kafka) or a stream holding it (NATS) does not exist
};
// clang-format on

/// What to do with an error: every eventbus code compares equal to exactly one of these error
/// conditions (of class_category()).
enum class error_class {
  retriable = 1,  ///< try again later (timeouts, full queues, broker down)
  fatal,          ///< configuration or programming error; retrying won't help
  poison,         ///< this message can never be handled (bad bytes, bad fields)
};

/// The category of the eventbus::errc codes, named "eventbus".
const std::error_category& category() noexcept;
/// The category of the eventbus::error_class conditions, named "eventbus.class": it tells which
/// class an eventbus code belongs to.
const std::error_category& class_category() noexcept;

/// An eventbus::errc as a std::error_code of category().
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}
/// An eventbus::error_class as a std::error_condition of class_category().
inline std::error_condition make_error_condition(error_class c) noexcept {
  return {static_cast<int>(c), class_category()};
}

}  // namespace eventbus

/// Lets an eventbus::errc convert to a std::error_code (and compare with one).
template <>
struct std::is_error_code_enum<eventbus::errc> : std::true_type {};
/// Lets a std::error_code compare with an eventbus::error_class.
template <>
struct std::is_error_condition_enum<eventbus::error_class> : std::true_type {};
