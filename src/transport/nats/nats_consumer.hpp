// One durable pull consumer (a topic and a group) and the messages it has handed out.
//
// Deliveries share ownership of their consumer, and the consumer of the connection, so an ack
// that comes late (after close) finds live nats.c objects and merely fails. Acks, naks and
// InProgress signals for one consumer go through its mutex: nats.c does not guard a message's
// ack state against two threads.
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/delivery.hpp"
#include "transport/nats/nats_connection.hpp"
#include "transport/nats/nats_handles.hpp"

namespace eventbus::nats {

class NatsDelivery;

class NatsConsumer {
 public:
  using Clock = std::chrono::steady_clock;

  // `ack_wait` is the AckWait the server enforces (see nats_subscribe.cpp), not the option.
  NatsConsumer(std::shared_ptr<NatsConnection> connection, SubscriptionPtr subscription,
               std::string topic, std::string group, std::chrono::milliseconds ack_wait)
      : connection_(std::move(connection)),
        subscription_(std::move(subscription)),
        topic_(std::move(topic)),
        group_(std::move(group)),
        ack_wait_(ack_wait) {}

  natsSubscription* subscription() const noexcept { return subscription_.get(); }
  const std::string& topic() const noexcept { return topic_; }
  const std::string& group() const noexcept { return group_; }
  // Where the server keeps it, for consumer-info requests.
  std::string stream, durable;
  std::chrono::milliseconds ack_wait() const noexcept { return ack_wait_; }

  // `fetched_at`: when the fetch that brought it began, no later than the server's AckWait
  // clock for it started.
  void track(NatsDelivery& delivery, Clock::time_point fetched_at);
  // Settles once: ack (handled) or nak (deliver again). Forgets the delivery.
  void settle(NatsDelivery& delivery, bool handled) noexcept;
  // Tells the server that deliveries held longer than `older_than` are still being worked on,
  // so AckWait does not expire on a message queued behind a slow one in its lane.
  void keep_alive(std::chrono::steady_clock::duration older_than) noexcept;

 private:
  std::shared_ptr<NatsConnection> connection_;  // outlives the subscription
  SubscriptionPtr subscription_;
  std::string topic_;
  std::string group_;
  std::chrono::milliseconds ack_wait_;
  std::mutex mutex_;
  NatsDelivery* head_ = nullptr;  // outstanding deliveries, an intrusive list
};

class NatsDelivery final : public core::Delivery {
 public:
  NatsDelivery(std::shared_ptr<NatsConsumer> consumer, MessagePtr message,
               NatsConsumer::Clock::time_point fetched_at);
  ~NatsDelivery() override;
  void ack() noexcept override { consumer_->settle(*this, true); }
  void nack() noexcept override { consumer_->settle(*this, false); }

 private:
  friend class NatsConsumer;
  std::shared_ptr<NatsConsumer> consumer_;
  MessagePtr message_;
  NatsDelivery* prev_ = nullptr;
  NatsDelivery* next_ = nullptr;
  bool tracked_ = false;
  std::chrono::steady_clock::time_point touched_;
};

}  // namespace eventbus::nats
