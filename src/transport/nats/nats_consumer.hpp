// SPDX-License-Identifier: Apache-2.0
// One durable pull consumer (a topic and a group) as this bus reads it: the inbox its pull
// requests are answered on, and the messages it has handed out and not yet settled.
//
// Deliveries share ownership of their consumer, and the consumer of the connection, so an ack
// that comes late (after close) finds live nats.c objects and merely fails. Acks, naks and
// InProgress signals for one consumer go out under its mutex, which also keeps the list of
// outstanding deliveries: an InProgress never follows the ack of the same delivery.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/delivery.hpp"
#include "transport/nats/nats_connection.hpp"
#include "transport/nats/nats_handles.hpp"

namespace eventbus::nats {

class NatsDelivery;

// Where a consumer lives on the server.
struct ConsumerAddress {
  std::string topic;
  std::string group;
  std::string stream;
  std::string durable;
  std::string next_subject;  // $JS[.<domain>].API.CONSUMER.MSG.NEXT.<stream>.<durable>
  std::string info_subject;  // $JS[.<domain>].API.CONSUMER.INFO.<stream>.<durable>
};

class NatsConsumer {
 public:
  using Clock = std::chrono::steady_clock;

  // Subscribes to a new inbox of `connection` (throws std::system_error when nats.c refuses).
  // `ack_wait` is the AckWait the server enforces (see nats_subscribe.cpp), not the option.
  NatsConsumer(std::shared_ptr<NatsConnection> connection, ConsumerAddress address,
               std::chrono::milliseconds ack_wait);

  natsSubscription* subscription() const noexcept { return subscription_.get(); }
  const ConsumerAddress& address() const noexcept { return address_; }
  const std::string& topic() const noexcept { return address_.topic; }
  const std::string& group() const noexcept { return address_.group; }
  std::chrono::milliseconds ack_wait() const noexcept { return ack_wait_; }
  std::uint64_t reconnects() const noexcept { return connection_->reconnects(); }

  // Publishes a pull request answered on this consumer's inbox.
  natsStatus request(std::string_view body) const noexcept;
  // Asks the server whether the consumer exists; the answer comes to the inbox like the
  // messages, so the reader never waits for it.
  natsStatus ask_for_info() const noexcept;
  // Stops the inbox: a reader waiting on it wakes at once; what it held unread is dropped
  // (the server sends it again after AckWait).
  void unsubscribe() noexcept;

  // Pull requests the server was believed to hold that it never answered (missed
  // heartbeats), and so were issued again.
  std::uint64_t lost_requests() const noexcept { return lost_requests_.load(); }
  void count_lost_request() noexcept { lost_requests_.fetch_add(1); }

  // `fetched_at`: when it was received, no later than the server's AckWait clock started.
  void track(NatsDelivery& delivery, Clock::time_point fetched_at);
  // Settles once: ack (handled) or nak (deliver again, after `delay` when it is > 0).
  // Forgets the delivery.
  void settle(NatsDelivery& delivery, bool handled, std::chrono::milliseconds delay) noexcept;
  // Tells the server that deliveries held longer than `older_than` are still being worked on,
  // so AckWait does not expire on a message queued behind a slow one in its lane.
  void keep_alive(std::chrono::steady_clock::duration older_than) noexcept;

 private:
  void publish(const std::string& reply, std::string_view body) const noexcept;

  std::shared_ptr<NatsConnection> connection_;  // outlives the subscription
  ConsumerAddress address_;
  std::chrono::milliseconds ack_wait_;
  std::string inbox_;
  SubscriptionPtr subscription_;
  std::atomic<std::uint64_t> lost_requests_{0};
  std::mutex mutex_;
  NatsDelivery* head_ = nullptr;  // outstanding deliveries, an intrusive list
};

class NatsDelivery final : public core::Delivery {
 public:
  // Copies what the bus needs of `message` (subject, payload, headers, reply), which the
  // caller then frees.
  NatsDelivery(std::shared_ptr<NatsConsumer> consumer, natsMsg* message,
               NatsConsumer::Clock::time_point fetched_at);
  ~NatsDelivery() override;
  void ack() noexcept override { consumer_->settle(*this, true, {}); }
  void nack() noexcept override { consumer_->settle(*this, false, {}); }
  void nack_after(std::chrono::milliseconds delay) noexcept override {
    consumer_->settle(*this, false, delay);
  }

 private:
  friend class NatsConsumer;
  std::shared_ptr<NatsConsumer> consumer_;
  std::string reply_;  // "$JS.ACK...": where its acknowledgements go
  NatsDelivery* prev_ = nullptr;
  NatsDelivery* next_ = nullptr;
  bool tracked_ = false;
  std::chrono::steady_clock::time_point touched_;
};

}  // namespace eventbus::nats
