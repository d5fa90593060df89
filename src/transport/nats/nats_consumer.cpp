// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/nats_consumer.hpp"

#include <cstdlib>

#include "transport/nats/nats_status.hpp"
#include "transport/nats/pull_protocol.hpp"

namespace eventbus::nats {
namespace {

void copy_headers(natsMsg* msg, Headers& out) {
  const char** keys = nullptr;
  int count = 0;
  if (natsMsgHeader_Keys(msg, &keys, &count) != NATS_OK) return;
  for (int i = 0; i < count; ++i) {
    const char** values = nullptr;
    int n = 0;
    if (natsMsgHeader_Values(msg, keys[i], &values, &n) == NATS_OK) {
      for (int j = 0; j < n; ++j)
        out.emplace_back(keys[i], values[j]);
      free(values);  // nats.c allocates the array, not the strings
    }
  }
  free(keys);
}

std::string new_inbox() {
  natsInbox* inbox = nullptr;
  check(natsInbox_Create(&inbox), "nats: inbox");
  std::string name(inbox);
  natsInbox_Destroy(inbox);
  return name;
}

}  // namespace

NatsConsumer::NatsConsumer(std::shared_ptr<NatsConnection> connection, ConsumerAddress address,
                           std::chrono::milliseconds ack_wait)
    : connection_(std::move(connection)),
      address_(std::move(address)),
      ack_wait_(ack_wait),
      inbox_(new_inbox()) {
  natsSubscription* sub = nullptr;
  // A sync subscription: read by the fetcher's own thread, so nats.c starts none for it.
  check(natsConnection_SubscribeSync(&sub, connection_->get(), inbox_.c_str()),
        "nats: inbox subscription for " + address_.topic);
  subscription_.reset(sub);
}

natsStatus NatsConsumer::request(std::string_view body) const noexcept {
  return natsConnection_PublishRequest(connection_->get(), address_.next_subject.c_str(),
                                       inbox_.c_str(), body.data(), static_cast<int>(body.size()));
}

natsStatus NatsConsumer::ask_for_info() const noexcept {
  return natsConnection_PublishRequest(connection_->get(), address_.info_subject.c_str(),
                                       inbox_.c_str(), nullptr, 0);
}

void NatsConsumer::unsubscribe() noexcept {
  natsSubscription_Unsubscribe(subscription_.get());
}

NatsDelivery::NatsDelivery(std::shared_ptr<NatsConsumer> consumer, natsMsg* m,
                           NatsConsumer::Clock::time_point fetched_at)
    : consumer_(std::move(consumer)) {
  topic = natsMsg_GetSubject(m);
  payload.assign(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m)));
  copy_headers(m, headers);
  if (const char* reply = natsMsg_GetReply(m); reply != nullptr) reply_ = reply;
  if (const auto meta = parse_ack_subject(reply_)) {
    offset = static_cast<std::int64_t>(meta->stream_sequence);
    delivery_count = static_cast<std::uint32_t>(meta->delivered);
  }
  partition = 0;
  consumer_->track(*this, fetched_at);
}

NatsDelivery::~NatsDelivery() {
  if (tracked_) consumer_->settle(*this, false, {});  // dropped unsettled: deliver it again
}

void NatsConsumer::track(NatsDelivery& d, Clock::time_point fetched_at) {
  std::lock_guard lock(mutex_);
  d.touched_ = fetched_at;
  d.next_ = head_;
  if (head_ != nullptr) head_->prev_ = &d;
  head_ = &d;
  d.tracked_ = true;
}

// A failed ack or nak (connection gone) is safe to drop: the server redelivers after AckWait.
void NatsConsumer::publish(const std::string& reply, std::string_view body) const noexcept {
  natsConnection_Publish(connection_->get(), reply.c_str(), body.data(),
                         static_cast<int>(body.size()));
}

void NatsConsumer::settle(NatsDelivery& d, bool handled, std::chrono::milliseconds delay) noexcept {
  std::lock_guard lock(mutex_);
  if (!d.tracked_) return;
  d.tracked_ = false;
  (d.prev_ != nullptr ? d.prev_->next_ : head_) = d.next_;
  if (d.next_ != nullptr) d.next_->prev_ = d.prev_;
  if (handled) {
    publish(d.reply_, kAck);
  } else if (delay.count() > 0) {
    publish(d.reply_, nak_with_delay(delay));
  } else {
    publish(d.reply_, kNak);
  }
}

void NatsConsumer::keep_alive(std::chrono::steady_clock::duration older_than) noexcept {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (NatsDelivery* d = head_; d != nullptr; d = d->next_) {
    if (now - d->touched_ < older_than) continue;
    publish(d->reply_, kInProgress);
    d->touched_ = now;
  }
}

}  // namespace eventbus::nats
