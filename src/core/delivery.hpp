// SPDX-License-Identifier: Apache-2.0
// One received message on its way through the dispatcher to a handler, and back as an ack.
//
// Transports derive from Delivery to carry what their ack needs (a natsMsg, a partition
// offset, a memory sequence). The dispatcher calls exactly one of ack(), nack() or nack_after() per
// delivery.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "eventbus/envelope.hpp"
#include "eventbus/message.hpp"

namespace eventbus::core {

class MessageRoute;
struct ConsumeMetrics;

class Delivery {
 public:
  virtual ~Delivery() = default;

  // Finished: handled, or dead-lettered. Never deliver again.
  virtual void ack() noexcept = 0;
  // Given up without a dead letter (abandoned by close, or the dead letter failed): deliver again.
  virtual void nack() noexcept = 0;
  // nack(), asking the broker to wait `delay` before it delivers again (NATS: a Nak with a
  // delay); brokers without such a wait redeliver at their own pace.
  virtual void nack_after(std::chrono::milliseconds /*delay*/) noexcept { nack(); }
  // A handler is still working on it: keep the broker from redelivering (NATS InProgress).
  virtual void in_progress() noexcept {}

  Message view(std::uint32_t attempt) const noexcept {
    return Message{topic, key, headers, payload, partition, offset, attempt, traceparent};
  }

  std::string topic;
  std::string key;
  Headers headers;
  std::string payload;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::uint32_t delivery_count = 1;  // how often the broker has delivered it, this time included

  // Filled by the core before dispatch.
  MessageRoute* route = nullptr;
  ConsumeMetrics* metrics = nullptr;  // its subscription's counters; null outside a bus
  std::string lane_key;               // aggregate id; empty spreads round-robin
  std::optional<Envelope> envelope;   // decoded, for envelope subscriptions
  ValidationError decode_error;       // set when an envelope subscription could not decode it
  std::string_view traceparent;       // the valid traceparent among `headers`; empty when none
  bool throttled = false;             // held back for a rate-limit token once (counted once)
};

// What to do with a delivery of one subscription: run its handler, dead-letter it.
class MessageRoute {
 public:
  // Runs the user's handler once; never throws (exceptions become failures).
  virtual HandlerResult handle(const Delivery& delivery, std::uint32_t attempt) noexcept = 0;
  // Publishes the raw bytes to "<topic>.dlq" with the reason; true once the broker stored it.
  virtual bool dead_letter(const Delivery& delivery, const HandlerResult& why,
                           std::uint32_t attempts) noexcept = 0;
  // The dispatcher is done with a delivery it accepted (acked, nacked or abandoned). Called
  // with the dispatcher's lock held: must only count.
  virtual void finished(const Delivery& delivery) noexcept = 0;

 protected:
  ~MessageRoute() = default;
};

using DeliveryPtr = std::unique_ptr<Delivery>;

// What became of a delivery offered without waiting.
enum class SubmitResult {
  accepted,  // queued on its lane
  full,      // its lane is full (or no handling rate-limit token): the delivery is still the
             // caller's, to offer again once there is room
  closed,    // intake stopped: the delivery was nacked and is gone
};

}  // namespace eventbus::core
