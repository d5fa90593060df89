#include "transport/kafka/kafka_consumer.hpp"

#include <spdlog/spdlog.h>

#include <cstring>
#include <vector>

#include "eventbus/error.hpp"
#include "transport/kafka/kafka_config.hpp"

namespace eventbus::kafka {
namespace {

// One record on its way to a handler. Acking advances its partition's watermark; a nack
// leaves it unfinished, so the watermark stays below it and the record is read again after
// a restart or rebalance (at-least-once).
class KafkaDelivery final : public core::Delivery {
 public:
  explicit KafkaDelivery(std::shared_ptr<PartitionState> state) : state_(std::move(state)) {}
  void ack() noexcept override { settle(true); }
  void nack() noexcept override { settle(false); }
  void mark_dispatched() {
    std::lock_guard lock(state_->mutex);
    ++state_->dispatched;
    dispatched_ = true;
  }

 private:
  void settle(bool handled) noexcept {
    std::lock_guard lock(state_->mutex);
    if (settled_) return;
    settled_ = true;
    if (handled && !state_->revoked) state_->watermark.finished(offset);
    if (dispatched_ && --state_->dispatched == 0) state_->drained.notify_all();
  }
  std::shared_ptr<PartitionState> state_;
  bool dispatched_ = false;
  bool settled_ = false;
};

void copy_record(const rd_kafka_message_t& m, core::Delivery& d) {
  d.topic = rd_kafka_topic_name(m.rkt);
  d.partition = m.partition;
  d.offset = m.offset;
  if (m.key != nullptr) d.key.assign(static_cast<const char*>(m.key), m.key_len);
  if (m.payload != nullptr) d.payload.assign(static_cast<const char*>(m.payload), m.len);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0;
       rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    d.headers.emplace_back(name, value != nullptr
                                     ? std::string(static_cast<const char*>(value), size)
                                     : std::string());
  }
}

}  // namespace

KafkaConsumer::KafkaConsumer(const BusOptions& options, std::string group)
    : options_(options), group_(std::move(group)) {
  ConfPtr conf = consumer_config(options, group_);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaConsumer::on_rebalance);
  rd_kafka_conf_set_opaque(conf.get(), this);
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error);
  if (rk == nullptr) {
    throw std::system_error(make_error_code(errc::transport_error),
                            std::string("kafka: consumer: ") + error);
  }
  conf.release();  // rd_kafka_new took it
  consumer_.reset(rk);
  rd_kafka_poll_set_consumer(rk);  // rebalances and errors are served by consumer_poll
  poller_ = std::jthread([this](std::stop_token stop) { poll_loop(stop); });
}

KafkaConsumer::~KafkaConsumer() {
  close();
}

void KafkaConsumer::add_topic(const std::string& topic, core::DeliverySink& sink) {
  std::lock_guard lock(topics_mutex_);
  sinks_[topic] = &sink;
  topics_changed_ = true;
}

void KafkaConsumer::poll_loop(std::stop_token stop) {
  next_commit_ = core::Clock::now() + options_.kafka.commit_interval;
  bool parked = false;
  while (!stop.stop_requested()) {
    apply_subscription();
    offer_parked();
    parked = false;
    for (const auto& [key, state] : partitions_)
      parked = parked || !state->parked.empty();
    // While something is parked, come back soon to offer it again.
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.get(), parked ? 5 : 100)) {
      take(MessagePtr(m));
    }
    if (core::Clock::now() >= next_commit_) {
      commit(false);
      next_commit_ = core::Clock::now() + options_.kafka.commit_interval;
    }
  }
}

void KafkaConsumer::apply_subscription() {
  std::lock_guard lock(topics_mutex_);
  if (!topics_changed_) return;
  topics_changed_ = false;
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(sinks_.size())));
  for (const auto& [topic, sink] : sinks_) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (const auto err = rd_kafka_subscribe(consumer_.get(), list.get())) {
    spdlog::error("eventbus: kafka subscribe ({} topics): {}", sinks_.size(),
                  rd_kafka_err2str(err));
  }
}

void KafkaConsumer::take(MessagePtr m) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      spdlog::warn("eventbus: kafka consumer: {}", rd_kafka_message_errstr(m.get()));
    }
    return;
  }
  const Key key{rd_kafka_topic_name(m->rkt), m->partition};
  auto it = partitions_.find(key);
  if (it == partitions_.end()) return;  // not (or no longer) ours: the owner reads it
  PartitionState& state = *it->second;
  auto delivery = std::make_unique<KafkaDelivery>(it->second);
  copy_record(*m, *delivery);
  {
    std::lock_guard lock(state.mutex);
    state.watermark.received(m->offset);
  }
  core::DeliveryPtr owned = std::move(delivery);
  if (!state.parked.empty() || !offer(state, owned)) {
    state.parked.push_back(std::move(owned));  // keeps the partition's order behind the parked
    pause(state, true);
  }
}

// True when the delivery left the caller (accepted, or refused for good by a closing bus).
bool KafkaConsumer::offer(PartitionState& state, core::DeliveryPtr& delivery) {
  auto& kafka_delivery = static_cast<KafkaDelivery&>(*delivery);
  kafka_delivery.mark_dispatched();  // counted first: the ack may come before try_deliver returns
  const core::SubmitResult result = state.sink->try_deliver(delivery);
  if (result != core::SubmitResult::full) return true;
  {
    std::lock_guard lock(state.mutex);
    --state.dispatched;  // still ours
  }
  return false;
}

void KafkaConsumer::offer_parked() {
  for (auto& [key, state] : partitions_) {
    while (!state->parked.empty() && offer(*state, state->parked.front()))
      state->parked.pop_front();
    if (state->parked.empty() && state->paused) pause(*state, false);
  }
}

void KafkaConsumer::pause(PartitionState& state, bool on) {
  if (state.paused == on) return;
  state.paused = on;
  PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), state.topic.c_str(), state.partition);
  on ? rd_kafka_pause_partitions(consumer_.get(), list.get())
     : rd_kafka_resume_partitions(consumer_.get(), list.get());
}

void KafkaConsumer::commit(bool sync, const std::set<Key>* only) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size())));
  for (auto& [key, state] : partitions_) {
    if (only != nullptr && only->count(key) == 0) continue;
    std::lock_guard lock(state->mutex);
    const auto point = state->watermark.commit_point();
    if (!point || *point <= state->committed) continue;
    rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second)->offset = *point;
    state->committed = *point;
  }
  if (list->cnt == 0) return;
  if (const auto err = rd_kafka_commit(consumer_.get(), list.get(), sync ? 0 : 1)) {
    spdlog::warn("eventbus: kafka commit: {}", rd_kafka_err2str(err));
  }
}

void KafkaConsumer::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                 rd_kafka_topic_partition_list_t* partitions, void* self) noexcept {
  auto* me = static_cast<KafkaConsumer*>(self);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    me->assign(partitions);
  } else {
    me->revoke(partitions, rd_kafka_assignment_lost(rk) != 0);
  }
}

void KafkaConsumer::assign(rd_kafka_topic_partition_list_t* partitions) {
  for (int i = 0; i < partitions->cnt; ++i) {
    const auto& p = partitions->elems[i];
    auto& state = partitions_[Key{p.topic, p.partition}];
    if (state) continue;
    state = std::make_shared<PartitionState>();
    state->topic = p.topic;
    state->partition = p.partition;
    std::lock_guard lock(topics_mutex_);
    state->sink = sinks_.at(p.topic);
  }
  const bool cooperative =
      std::strcmp(rd_kafka_rebalance_protocol(consumer_.get()), "COOPERATIVE") == 0;
  if (cooperative) {
    ErrorPtr error(rd_kafka_incremental_assign(consumer_.get(), partitions));
  } else {
    rd_kafka_assign(consumer_.get(), partitions);
  }
}

// Stops reading the partitions, lets their dispatched messages finish (bounded), commits
// their watermark (unless the assignment is already lost), then lets them go.
void KafkaConsumer::revoke(rd_kafka_topic_partition_list_t* partitions, bool lost) {
  const auto deadline = core::Clock::now() + options_.kafka.revoke_timeout;
  std::set<Key> keys;
  for (int i = 0; i < partitions->cnt; ++i) {
    const Key key{partitions->elems[i].topic, partitions->elems[i].partition};
    auto it = partitions_.find(key);
    if (it == partitions_.end()) continue;
    keys.insert(key);
    PartitionState& state = *it->second;
    state.parked.clear();  // never handed out: the next owner reads them again
    std::unique_lock lock(state.mutex);
    state.drained.wait_until(lock, deadline, [&] { return state.dispatched == 0; });
  }
  if (!lost) commit(true, &keys);
  for (const Key& key : keys) {
    auto it = partitions_.find(key);
    {
      std::lock_guard lock(it->second->mutex);
      it->second->revoked = true;  // late acks of abandoned messages change nothing now
    }
    partitions_.erase(it);  // deliveries still holding the state keep it alive
  }
  const bool cooperative =
      std::strcmp(rd_kafka_rebalance_protocol(consumer_.get()), "COOPERATIVE") == 0;
  if (cooperative) {
    ErrorPtr error(rd_kafka_incremental_unassign(consumer_.get(), partitions));
  } else {
    rd_kafka_assign(consumer_.get(), nullptr);
  }
}

void KafkaConsumer::stop() {
  poller_.request_stop();
  if (poller_.joinable()) poller_.join();
}

void KafkaConsumer::close() {
  if (closed_) return;
  closed_ = true;
  stop();
  commit(true);
  rd_kafka_consumer_close(consumer_.get());  // leaves the group; runs the revoke above
  partitions_.clear();
  consumer_.reset();
}

}  // namespace eventbus::kafka
