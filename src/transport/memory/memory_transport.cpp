// SPDX-License-Identifier: Apache-2.0
#include "transport/memory/memory_transport.hpp"

#include <algorithm>
#include <tuple>

#include "eventbus/error.hpp"

namespace eventbus::memory {
namespace {

// What a handler's ack needs to find the message again in its group.
class MemoryDelivery final : public core::Delivery {
 public:
  MemoryDelivery(std::shared_ptr<MemoryTopic> topic, std::shared_ptr<const std::string> group)
      : topic_(std::move(topic)), group_(std::move(group)) {}
  ~MemoryDelivery() override {
    if (!settled_) nack();  // a safety net: a delivery dropped unsettled is delivered again
  }
  void ack() noexcept override { settle(true); }
  void nack() noexcept override { settle(false); }

 private:
  void settle(bool handled) noexcept {
    if (settled_) return;
    settled_ = true;
    const auto sequence = static_cast<std::uint64_t>(offset);
    handled ? topic_->ack(*group_, sequence) : topic_->nack(*group_, sequence);
  }
  std::shared_ptr<MemoryTopic> topic_;
  std::shared_ptr<const std::string> group_;  // shared: a delivery may outlive its fetcher
  bool settled_ = false;
};

}  // namespace

MemoryTransport::MemoryTransport(const BusOptions& options)
    : core::Transport("memory"),
      fetch_batch_(options.memory.fetch_batch),
      max_message_bytes_(options.memory.max_message_bytes),
      broker_(MemoryBroker::named(options.memory.broker)),
      store_thread_([this] { store_loop(); }) {}

MemoryTransport::~MemoryTransport() {
  stop_consuming(core::Clock::now());
  close(core::Clock::now());
}

Features MemoryTransport::features() const noexcept {
  Features f;
  f.persistent = false;
  f.redelivery = true;
  f.consumer_groups = true;
  f.ordered_per_key = true;
  f.group_members_keep_key_order = false;  // members of a group share one queue
  f.message_keys = true;
  return f;
}

void MemoryTransport::publish(std::unique_ptr<core::PendingPublish> message) {
  if (message->payload.size() > max_message_bytes_) {
    const std::string detail = "memory: a message of " + std::to_string(message->payload.size()) +
                               " bytes is larger than memory.max_message_bytes (" +
                               std::to_string(max_message_bytes_) + ")";
    core::PendingPublish::finish(std::move(message), make_error_code(errc::message_too_large), {},
                                 detail);
    return;
  }
  std::lock_guard lock(mutex_);  // the Bus sends nothing once close() began
  outbox_.push_back(std::move(message));
  if (outbox_.size() == 1) queued_.notify_one();
}

// Plays the broker's part: stores each message and acks it, from one thread, in batches.
void MemoryTransport::store_loop() {
  std::deque<std::unique_ptr<core::PendingPublish>> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [&] { return !outbox_.empty() || closing_; });
    if (outbox_.empty()) break;
    batch.swap(outbox_);
    storing_ = batch.size();
    lock.unlock();
    for (auto& message : batch) {
      std::shared_ptr<MemoryTopic> topic = broker_->topic(message->topic);
      const std::uint64_t sequence =
          topic->append(message->key, std::move(message->headers), std::move(message->payload));
      const core::StoredAt where{message->topic, 0, static_cast<std::int64_t>(sequence)};
      core::PendingPublish::finish(std::move(message), {}, where);
    }
    batch.clear();
    lock.lock();
    storing_ = 0;
    if (outbox_.empty()) drained_.notify_all();
  }
}

std::error_code MemoryTransport::subscribe(const core::SubscriptionSpec& spec,
                                           core::DeliverySink& sink, std::string& detail) {
  std::lock_guard lock(mutex_);
  if (consuming_stopped_ || closing_) {
    detail = "memory transport closed";
    return make_error_code(errc::closed);
  }
  std::shared_ptr<MemoryTopic> topic = broker_->topic(spec.topic);
  topic->join(spec.group);  // from now on the group holds every new message for this bus
  subscribed_.push_back({topic, spec.topic, spec.group, &sink});
  fetchers_.push_back({&sink, std::jthread([this, topic, spec, &sink](std::stop_token stop) {
                         fetch_loop(stop, topic, spec.topic, spec.group, sink);
                       })});
  return {};
}

// The group stays joined: what arrives meanwhile waits for its next subscriber.
void MemoryTransport::unsubscribe(core::DeliverySink& sink, core::Deadline) {
  std::jthread fetcher;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(fetchers_.begin(), fetchers_.end(),
                           [&](const Fetcher& f) { return f.sink == &sink; });
    if (it == fetchers_.end()) return;
    fetcher = std::move(it->thread);
    fetchers_.erase(it);
    std::erase_if(subscribed_, [&](const Subscribed& s) { return s.sink == &sink; });
  }
  fetcher.request_stop();
  fetcher.join();  // what it held is nacked by the delivery's destructor
}

void MemoryTransport::fetch_loop(std::stop_token stop, const std::shared_ptr<MemoryTopic>& topic,
                                 const std::string& topic_name, std::string group,
                                 core::DeliverySink& sink) {
  const auto group_name = std::make_shared<const std::string>(std::move(group));
  while (!stop.stop_requested()) {
    for (Fetched& fetched : topic->fetch(*group_name, fetch_batch_, stop)) {
      auto delivery = std::make_unique<MemoryDelivery>(topic, group_name);
      const StoredMessage& stored = *fetched.message;
      delivery->topic = topic_name;
      delivery->key = stored.key;
      delivery->headers = stored.headers;
      delivery->payload = stored.payload;
      delivery->partition = 0;
      delivery->offset = static_cast<std::int64_t>(stored.sequence);
      delivery->delivery_count = fetched.delivery_count;
      hand_on(stop, std::move(delivery), sink);
    }
  }
}

// While its lane is full, fetching pauses until the dispatcher signals room (or stop: what is
// still held is nacked by the delivery's destructor, and delivered again).
void MemoryTransport::hand_on(std::stop_token stop, core::DeliveryPtr delivery,
                              core::DeliverySink& sink) {
  while (!stop.stop_requested()) {
    const std::uint64_t epoch = sink.room_epoch();
    if (sink.try_deliver(delivery) != core::SubmitResult::full) return;
    sink.wait_for_room(epoch, core::Deadline::max(), stop);
  }
}

core::TransportHealth MemoryTransport::health() {
  std::vector<Subscribed> subscribed;
  {
    std::lock_guard lock(mutex_);
    if (consuming_stopped_) return {};
    subscribed = subscribed_;
  }
  core::TransportHealth health;
  for (const Subscribed& s : subscribed) {
    PartitionLag& lag = health.lag.emplace_back();
    lag.topic = s.name;
    lag.group = s.group;
    lag.partition = 0;
    std::tie(lag.pending, lag.unacked) = s.topic->backlog(s.group);
  }
  return health;
}

void MemoryTransport::stop_consuming(core::Deadline) {
  std::vector<Fetcher> fetchers;
  {
    std::lock_guard lock(mutex_);
    consuming_stopped_ = true;
    fetchers.swap(fetchers_);
  }
  for (auto& fetcher : fetchers)
    fetcher.thread.request_stop();
  fetchers.clear();  // joins
}

void MemoryTransport::close(core::Deadline deadline) {
  std::deque<std::unique_ptr<core::PendingPublish>> abandoned;
  {
    std::unique_lock lock(mutex_);
    if (!store_thread_.joinable()) return;
    drained_.wait_until(lock, deadline, [&] { return outbox_.empty() && storing_ == 0; });
    closing_ = true;
    abandoned.swap(outbox_);
    queued_.notify_all();
  }
  store_thread_.join();
  for (auto& message : abandoned) {
    core::PendingPublish::finish(std::move(message), make_error_code(errc::cancelled), {},
                                 "abandoned by close before it was stored");
  }
}

}  // namespace eventbus::memory
