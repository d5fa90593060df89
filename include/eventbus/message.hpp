// SPDX-License-Identifier: Apache-2.0
/// @file
/// What publishers get back and what handlers receive.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace eventbus {

/// A message header: name and value.
using Header = std::pair<std::string, std::string>;
/// A message's headers, in their order; a name may repeat.
using Headers = std::vector<Header>;

/// The outcome of one publish, passed to its completion exactly once.
/// The string views are valid only during the completion call.
struct PublishResult {
  std::error_code error;          ///< empty when the broker acknowledged the message
  std::string_view topic;         ///< the topic published to
  std::string_view event_id;      ///< empty for raw publishes
  std::string_view aggregate_id;  ///< empty for raw publishes
  std::string_view detail;        ///< the broker's or client library's words when error is set
  /// Where it was stored: Kafka partition/offset, NATS stream/sequence, memory topic/sequence.
  std::string_view stream;
  std::int32_t partition = -1;  ///< Kafka partition; 0 for memory and NATS
  std::int64_t offset = -1;     ///< Kafka offset, NATS stream sequence, memory sequence
  std::int64_t tenant_id = 0;   ///< the envelope's tenant_id; 0 when none, and for raw publishes
};

/// Runs on the transport's completion thread (never a thread per message). It must not block
/// for long: it holds up every other completion. Captures of up to 16 trivially copyable bytes
/// (a pointer or two) are stored without a heap allocation.
using Completion = std::function<void(const PublishResult&)>;

/// A message as delivered to a handler. Views are valid only during the handler call.
struct Message {
  std::string_view topic;           ///< the topic it was read from
  std::string_view key;             ///< Kafka record key, memory key; empty on NATS
  std::span<const Header> headers;  ///< its headers, in their order
  std::string_view payload;         ///< the bytes as stored (for envelopes: the encoded envelope)
  std::int32_t partition = -1;      ///< Kafka partition; 0 for memory and NATS
  std::int64_t offset = -1;         ///< broker position: Kafka offset, NATS stream sequence
  std::uint32_t attempt = 1;  ///< 1 on the first try, counting retries in the lane and redeliveries
  /// The value of the message's W3C `traceparent` header (also in `headers`); empty when it has
  /// none or it is not valid.
  std::string_view traceparent;
};

/// A handler's verdict. Anything but ok() is retried in the message's lane with backoff, then
/// dead-lettered. A thrown exception counts as a failure with its what() as the reason.
struct HandlerResult {
  std::error_code code;  ///< empty when handled
  std::string reason;    ///< why it failed, for the log and the dead letter's X-DLQ-Error

  /// Handled.
  HandlerResult() = default;
  /// Failed with `ec` (handled when `ec` is empty).
  HandlerResult(std::error_code ec) : code(ec) {}  // NOLINT: implicit on purpose
  /// Handled: ack it.
  static HandlerResult ok() { return {}; }
  /// Failed with handler_failed and `why` as the reason: retried, then dead-lettered.
  static HandlerResult fail(std::string why);
  /// True when handled.
  explicit operator bool() const noexcept { return !code; }
};

}  // namespace eventbus
