// SPDX-License-Identifier: Apache-2.0
/// @file
/// A handle on one subscription: pause, resume and unsubscribe it.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <system_error>

namespace eventbus {

/// What Bus::subscribe and Bus::subscribe_envelope return. Copies share one subscription; a
/// default-constructed handle refers to none (every call returns `closed`). Dropping every
/// handle does not end the subscription: it runs until unsubscribe() or the bus closes.
///
/// Every member is thread-safe. A handle may outlive its bus: its calls then return `closed`.
class Subscription {
 public:
  /// The state a handle shares with its bus (defined inside the library).
  struct State;

  /// A handle on no subscription.
  Subscription() = default;
  /// The handle the bus returns; `state` carries the outcome of the subscribe call.
  explicit Subscription(std::shared_ptr<State> state) noexcept : state_(std::move(state)) {}

  /// Why the subscribe call failed (the errors of Bus::subscribe); empty when it succeeded.
  /// A default-constructed handle: `closed`.
  std::error_code error() const noexcept;
  /// The topic subscribed to; empty for a default-constructed handle.
  const std::string& topic() const noexcept;
  /// The consumer group the subscription reads for.
  const std::string& group() const noexcept;

  /// Stops taking messages from the broker, as a full lane would: the transport pauses its
  /// source (Kafka pauses the partitions, NATS stops pulling) and keeps what it had fetched;
  /// messages already handed to the lanes are handled, retried and acked as usual. NATS: a
  /// message held past the consumer's ack wait is delivered again (at-least-once).
  /// Errors: `closed` (bus closed or closing, unsubscribed, failed or default handle).
  std::error_code pause();
  /// Takes messages again. Errors: those of pause().
  std::error_code resume();
  /// True between pause() and resume().
  bool paused() const;

  /// Ends the subscription: stops fetching, lets the messages already handed to the lanes
  /// finish (retries and dead letters included) up to `timeout`, acks only what was handled
  /// (anything fetched but not handed on is left to the broker, which delivers it again to the
  /// group), then releases the transport's part: the memory and NATS fetcher thread is joined;
  /// Kafka's group member stops reading the topic, committing what was handled (a rebalance of
  /// the member's other topics follows, as with any change of a Kafka subscription). The
  /// group's broker-side state stays: a NATS durable consumer is not deleted, so a later
  /// subscriber of the group resumes where this one stopped.
  /// Errors: `close_from_handler` when called from a handler of this subscription (it would
  /// wait for itself); `closed` when the bus closed first or the subscription already ended;
  /// `close_incomplete` when handlers still ran at the deadline (they finish on their own).
  std::error_code unsubscribe(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

 private:
  std::shared_ptr<State> state_;
};

}  // namespace eventbus
