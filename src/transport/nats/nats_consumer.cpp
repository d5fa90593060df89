#include "transport/nats/nats_consumer.hpp"

#include <cstring>

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

}  // namespace

NatsDelivery::NatsDelivery(std::shared_ptr<NatsConsumer> consumer, MessagePtr message,
                           NatsConsumer::Clock::time_point fetched_at)
    : consumer_(std::move(consumer)), message_(std::move(message)) {
  natsMsg* m = message_.get();
  topic = natsMsg_GetSubject(m);
  payload.assign(natsMsg_GetData(m), static_cast<std::size_t>(natsMsg_GetDataLength(m)));
  copy_headers(m, headers);
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, m) == NATS_OK) {
    offset = static_cast<std::int64_t>(meta->Sequence.Stream);
    delivery_count = static_cast<std::uint32_t>(meta->NumDelivered);
    jsMsgMetaData_Destroy(meta);
  }
  partition = 0;
  consumer_->track(*this, fetched_at);
}

NatsDelivery::~NatsDelivery() {
  if (tracked_) consumer_->settle(*this, false);  // dropped unsettled: deliver it again
}

void NatsConsumer::track(NatsDelivery& d, Clock::time_point fetched_at) {
  std::lock_guard lock(mutex_);
  d.touched_ = fetched_at;
  d.next_ = head_;
  if (head_ != nullptr) head_->prev_ = &d;
  head_ = &d;
  d.tracked_ = true;
}

void NatsConsumer::settle(NatsDelivery& d, bool handled) noexcept {
  std::lock_guard lock(mutex_);
  if (!d.tracked_) return;
  d.tracked_ = false;
  (d.prev_ != nullptr ? d.prev_->next_ : head_) = d.next_;
  if (d.next_ != nullptr) d.next_->prev_ = d.prev_;
  // A failed ack or nak (connection gone) is safe to drop: the server redelivers after AckWait.
  if (handled) {
    natsMsg_Ack(d.message_.get(), nullptr);
  } else {
    natsMsg_Nak(d.message_.get(), nullptr);
  }
}

void NatsConsumer::keep_alive(std::chrono::steady_clock::duration older_than) noexcept {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (NatsDelivery* d = head_; d != nullptr; d = d->next_) {
    if (now - d->touched_ < older_than) continue;
    natsMsg_InProgress(d->message_.get(), nullptr);
    d->touched_ = now;
  }
}

}  // namespace eventbus::nats
