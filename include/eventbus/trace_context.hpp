// SPDX-License-Identifier: Apache-2.0
/// @file
/// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header that
/// carries a trace across services, without any tracing SDK.
///
/// @code{.unparsed}
///   traceparent: 00-<trace-id: 32 hex>-<parent-id: 16 hex>-<trace-flags: 2 hex>
/// @endcode
///
/// Hex digits are lowercase; an all-zero trace id or parent id is invalid; version ff is invalid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eventbus {

/// The fields of a `traceparent` header.
struct TraceContext {
  std::string trace_id;    ///< 32 lowercase hex digits, not all zero
  std::string parent_id;   ///< 16 lowercase hex digits, not all zero: the sender's span
  std::uint8_t flags = 0;  ///< bit 0 (0x01): sampled; default 0: not sampled
};

/// The header's context, or nullopt when it is not a valid traceparent. Version 00 must be
/// exactly 55 characters; a later version may carry more after a '-', which is ignored (as the
/// specification asks), and is read as version 00.
std::optional<TraceContext> parse_traceparent(std::string_view header);

/// "00-<trace_id>-<parent_id>-<flags>". The caller keeps the ids valid (see is_valid_trace_id).
std::string format_traceparent(const TraceContext& context);

/// The context a service passes on: the same trace id and flags, a new random parent id.
TraceContext child_context(const TraceContext& parent);

/// True for 32 lowercase hex digits that are not all zero: a W3C trace id.
bool is_valid_trace_id(std::string_view id);

/// A new random parent (span) id: 16 lowercase hex digits, never all zero.
std::string new_parent_id();

/// A new random trace id: 32 lowercase hex digits, never all zero.
std::string new_trace_id();

/// The context of a trace that starts here (a service's first span, with no traceparent coming
/// in): a new trace id, a new parent id and `flags` (default 0x01: sampled).
TraceContext root_context(std::uint8_t flags = 0x01);

}  // namespace eventbus
