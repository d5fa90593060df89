// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_consumer.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/background_closes.hpp"
#include "eventbus/error.hpp"
#include "transport/kafka/kafka_config.hpp"
#include "transport/kafka/record_headers.hpp"

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
  // Counted in (true) before it is offered, since the ack may come before the offer returns,
  // and out again (false) when it was not taken. The caller holds the partition's mutex.
  void set_dispatched_locked(bool on) noexcept { dispatched_ = on; }

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

// Records taken from librdkafka per round before they are handed out: each partition's share
// then goes to the dispatcher in one call (one lock, at most one worker woken) instead of one
// call per record; that hand-off cost more than everything else the consumer does per record.
constexpr int kBurst = 256;

// What a commit on revoke or close gets even when waiting for handlers used up its deadline.
constexpr std::chrono::milliseconds kOneRoundTrip{500};

void copy_record(const rd_kafka_message_t& m, core::Delivery& d) {
  d.topic = rd_kafka_topic_name(m.rkt);
  d.partition = m.partition;
  d.offset = m.offset;
  if (m.key != nullptr) d.key.assign(static_cast<const char*>(m.key), m.key_len);
  if (m.payload != nullptr) d.payload.assign(static_cast<const char*>(m.payload), m.len);
  append_record_headers(m, d.headers);
}

bool cooperative(rd_kafka_t* rk) {
  return std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
}

// Takes what librdkafka assigns, or lets go of what it revokes, and nothing else: a rebalance
// must be answered before librdkafka goes on, even when nobody reads the partitions any more.
void answer_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                      rd_kafka_topic_partition_list_t* partitions) {
  const bool assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
  if (cooperative(rk)) {
    ErrorPtr error(assign ? rd_kafka_incremental_assign(rk, partitions)
                          : rd_kafka_incremental_unassign(rk, partitions));
  } else {
    rd_kafka_assign(rk, assign ? partitions : nullptr);
  }
}

}  // namespace

KafkaConsumer::KafkaConsumer(const BusOptions& options, std::string group, core::LogPtr log)
    : options_(options), group_(std::move(group)), log_(std::move(log)) {
  ConfPtr conf = consumer_config(options, group_);
  rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaConsumer::on_rebalance);
  rd_kafka_conf_set_offset_commit_cb(conf.get(), &KafkaConsumer::on_commit_result);
  rd_kafka_conf_set_stats_cb(conf.get(), &KafkaConsumer::on_statistics);  // only its side effect
  context_->log = log_;
  context_->owner = this;
  attach_context(conf.get(), *context_);
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof error);
  if (rk == nullptr) {
    throw std::system_error(make_error_code(errc::transport_error),
                            std::string("kafka: consumer: ") + error);
  }
  static_cast<void>(conf.release());  // rd_kafka_new took it
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
  added_at_[topic] = core::Clock::now();
  topics_changed_ = true;
}

void KafkaConsumer::poll_loop(std::stop_token stop) {
  next_commit_ = core::Clock::now() + options_.kafka.commit_interval;
  while (!stop.stop_requested()) {
    apply_subscription();
    // While something is parked, other partitions still flow: librdkafka is only asked for
    // what it already has.
    const std::size_t taken = poll_burst(first_parked() != nullptr ? 0 : 100);
    // Taken before offering: room that comes while we offer ends the wait below at once.
    core::DeliverySink* parked_in = first_parked();
    const std::uint64_t epoch = parked_in != nullptr ? parked_in->room_epoch() : 0;
    offer_parked();
    // Nothing came and something still waits for lane room: wait for the dispatcher's room
    // signal (every sink shares its dispatcher), serving librdkafka at least every 100 ms.
    if (taken == 0 && parked_in != nullptr && first_parked() != nullptr)
      parked_in->wait_for_room(epoch, core::Clock::now() + std::chrono::milliseconds(100), stop);
    if (core::Clock::now() >= next_commit_) {
      commit(std::nullopt);
      next_commit_ = core::Clock::now() + options_.kafka.commit_interval;
    }
    if (core::Clock::now() >= next_lag_refresh_) {
      refresh_lag();
      next_lag_refresh_ = core::Clock::now() + std::chrono::seconds(1);
    }
  }
  std::lock_guard lock(lag_mutex_);
  lag_.clear();
}

// Takes up to kBurst records, waiting up to `timeout_ms` for the first only; returns how many
// came (errors and end-of-partition events included).
std::size_t KafkaConsumer::poll_burst(int timeout_ms) {
  std::size_t taken = 0;
  for (; taken < kBurst; ++taken) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_.get(), taken == 0 ? timeout_ms : 0);
    if (m == nullptr) break;
    take(MessagePtr(m));
  }
  return taken;
}

core::DeliverySink* KafkaConsumer::first_parked() const {
  for (const auto& [key, state] : partitions_) {
    if (!state->parked.empty()) return state->sink;
  }
  return nullptr;
}

std::vector<PartitionLag> KafkaConsumer::lag() const {
  std::lock_guard lock(lag_mutex_);
  return lag_;
}

// From what librdkafka already holds (no request): the high watermark of the last fetch or
// statistics round, the fetch position, and our committable watermark.
void KafkaConsumer::refresh_lag() {
  std::vector<PartitionLag> fresh;
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size())));
  for (const auto& [key, state] : partitions_)
    rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second);
  rd_kafka_position(consumer_.get(), list.get());
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = list->elems[i];
    std::int64_t low = -1, high = -1;
    if (rd_kafka_get_watermark_offsets(consumer_.get(), p.topic, p.partition, &low, &high) ||
        high < 0) {
      continue;  // not known yet: left out rather than reported as 0
    }
    std::optional<std::int64_t> done;
    {
      PartitionState& state = *partitions_.at(Key{p.topic, p.partition});
      std::lock_guard lock(state.mutex);
      done = state.watermark.commit_point();
    }
    const std::optional<std::int64_t> position =
        p.offset >= 0 ? std::optional(p.offset) : std::nullopt;
    if (!position && !done) continue;
    PartitionLag& lag = fresh.emplace_back();
    lag.topic = p.topic;
    lag.group = group_;
    lag.partition = p.partition;
    const std::int64_t fetched = position.value_or(*done);
    lag.pending = std::max<std::int64_t>(0, high - fetched);
    lag.unacked = std::max<std::int64_t>(0, fetched - done.value_or(fetched));
  }
  std::lock_guard lock(lag_mutex_);
  lag_ = std::move(fresh);
}

bool KafkaConsumer::remove_sink(const core::DeliverySink& sink) {
  std::lock_guard lock(topics_mutex_);
  auto it = std::find_if(sinks_.begin(), sinks_.end(),
                         [&](const auto& entry) { return entry.second == &sink; });
  if (it == sinks_.end()) return false;
  added_at_.erase(it->first);
  sinks_.erase(it);
  topics_changed_ = true;
  return true;
}

void KafkaConsumer::apply_subscription() {
  std::lock_guard lock(topics_mutex_);
  if (!topics_changed_) return;
  topics_changed_ = false;
  if (sinks_.empty()) {  // librdkafka takes no empty subscription
    if (const auto err = rd_kafka_unsubscribe(consumer_.get())) {
      log_->error("kafka", "unsubscribe: {}", rd_kafka_err2str(err));
    }
    return;
  }
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(sinks_.size())));
  for (const auto& [topic, sink] : sinks_) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (const auto err = rd_kafka_subscribe(consumer_.get(), list.get())) {
    log_->error("kafka", "subscribe ({} topics): {}", sinks_.size(), rd_kafka_err2str(err));
  }
}

// A topic created a moment ago can be missing from the consumer's first metadata answer
// (CreateTopics returns before every metadata view has it); librdkafka reports "Subscribed
// topic not available" and retries on its own. That is noise for the first seconds, a
// problem worth a warning afterwards.
bool KafkaConsumer::just_created(const rd_kafka_message_t& m) {
  if (m.err != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || m.rkt == nullptr) return false;
  std::lock_guard lock(topics_mutex_);
  const auto it = added_at_.find(rd_kafka_topic_name(m.rkt));
  return it != added_at_.end() && core::Clock::now() - it->second < std::chrono::seconds(10);
}

void KafkaConsumer::take(MessagePtr m) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;
    if (just_created(*m)) {
      log_->debug("kafka", "consumer: {}", rd_kafka_message_errstr(m.get()));
    } else {
      log_->warn("kafka", "consumer: {}", rd_kafka_message_errstr(m.get()));
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
  // Handed out with the rest of the burst (offer_parked), behind what is already parked.
  state.parked_bytes += parked_size(*delivery);
  state.parked.push_back(std::move(delivery));
  // Behind a full lane it waits: the partition pauses at its bound now, not a burst later.
  if (state.blocked && state.parked_bytes >= park_limit_bytes()) pause(state, true);
}

// Hands every partition's parked records out in order, and pauses a partition only once a
// fetch queue's worth is parked. Pausing at the first full lane made librdkafka drop the
// partition's whole prefetch (a pause bumps its version barrier) and refetch it on resume,
// behind a long-poll fetch of up to fetch.wait.max.ms: with small lanes and a slow handler,
// 2,000 messages went at ~15 a second instead of ~400 (backpressure_test). Resumed at half: the
// refetch overlaps handing out the other half (order holds: what arrives queues behind).
void KafkaConsumer::offer_parked() {
  const std::size_t limit = park_limit_bytes();
  for (auto& [key, state] : partitions_) {
    if (!state->parked.empty()) offer(*state);
    if (state->parked_bytes >= limit) {
      pause(*state, true);
    } else if (state->paused && state->parked_bytes <= limit / 2) {
      pause(*state, false);
    }
  }
}

// Offers a partition's parked records front first, up to kBurst per sink call, until one meets
// a full lane (it and all behind it stay parked). After a full lane, one record is offered
// first: a room signal usually frees one slot, and moving a whole burst out and back for it
// would cost more than the record.
void KafkaConsumer::offer(PartitionState& state) {
  std::deque<core::DeliveryPtr> burst;
  while (!state.parked.empty()) {
    const std::size_t n = std::min(state.parked.size(), state.blocked ? 1 : std::size_t{kBurst});
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
      bytes += parked_size(*state.parked.front());
      burst.push_back(std::move(state.parked.front()));
      state.parked.pop_front();
    }
    count_dispatched(state, burst, true);
    const bool all_taken = state.sink->try_deliver_all(burst);
    count_dispatched(state, burst, false);  // what is left is still ours
    for (auto it = burst.rbegin(); it != burst.rend(); ++it) {
      bytes -= parked_size(**it);
      state.parked.push_front(std::move(*it));
    }
    burst.clear();
    state.parked_bytes -= bytes;
    state.blocked = !all_taken;
    if (!all_taken) return;
  }
}

void KafkaConsumer::count_dispatched(PartitionState& state,
                                     const std::deque<core::DeliveryPtr>& deliveries, bool on) {
  if (deliveries.empty()) return;
  std::lock_guard lock(state.mutex);
  for (const auto& delivery : deliveries)
    static_cast<KafkaDelivery&>(*delivery).set_dispatched_locked(on);
  on ? state.dispatched += deliveries.size() : state.dispatched -= deliveries.size();
}

std::size_t KafkaConsumer::parked_size(const core::Delivery& delivery) {
  return delivery.payload.size() + delivery.key.size() + 64;  // 64: headers and bookkeeping
}

// Per partition, its share of what librdkafka may prefetch (queued.max.messages.kbytes), so
// that everything parked stays within that bound however many partitions this member owns: a
// whole prefetch's worth per partition let a slow consumer of 4 partitions hold 34 MB of a
// 45 MB backlog with a 4 MB prefetch (tests/fault/slow_consumer_test.cpp). The floor keeps a
// partition from pausing at every few records, which makes librdkafka drop and refetch its
// prefetch (see park()).
std::size_t KafkaConsumer::park_limit_bytes() const {
  constexpr std::size_t kFloor = std::size_t{64} * 1024;
  const auto budget =
      static_cast<std::size_t>(std::max(1, options_.kafka.fetch_queue_kbytes)) * 1024;
  return std::max(kFloor, budget / std::max<std::size_t>(1, partitions_.size()));
}

void KafkaConsumer::pause(PartitionState& state, bool on) {
  if (state.paused == on) return;
  state.paused = on;
  PartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), state.topic.c_str(), state.partition);
  on ? rd_kafka_pause_partitions(consumer_.get(), list.get())
     : rd_kafka_resume_partitions(consumer_.get(), list.get());
}

// Async, or (with `wait`) waiting for the broker's answer until that deadline: a blocking
// rd_kafka_commit never returns while the coordinator does not answer (a frozen broker hung
// close() for good). A commit that is not answered in time is logged; the group then reads
// those messages again (at-least-once).
// The interval's commits skip a partition whose point was sent already; a revoke's (`only`)
// sends it again: an async commit still on its way when a rebalance starts can be refused
// (ILLEGAL_GENERATION), and the next owner would read everything since the last good one
// again (CI saw 1,758 duplicates that way in a two-member group under TSan).
void KafkaConsumer::commit(std::optional<core::Deadline> wait, const std::set<Key>* only) {
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size())));
  for (auto& [key, state] : partitions_) {
    if (only != nullptr && only->count(key) == 0) continue;
    std::lock_guard lock(state->mutex);
    const auto point = state->watermark.commit_point();
    if (!point || (only == nullptr && *point <= state->committed)) continue;
    rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second)->offset = *point;
    state->committed = *point;
  }
  if (list->cnt == 0) return;
  if (!wait) {
    // The answer comes to on_commit_result, served by the poll loop.
    if (const auto err = rd_kafka_commit(consumer_.get(), list.get(), 1)) {
      log_->warn("kafka", "commit: {}", rd_kafka_err2str(err));
      forget_failed(err, *list);
    }
    return;
  }
  QueuePtr queue(rd_kafka_queue_new(consumer_.get()));
  if (const auto err =
          rd_kafka_commit_queue(consumer_.get(), list.get(), queue.get(), nullptr, nullptr)) {
    log_->warn("kafka", "commit: {}", rd_kafka_err2str(err));
    forget_failed(err, *list);
    return;
  }
  EventPtr result(rd_kafka_queue_poll(queue.get(), core::ms_left(*wait)));
  if (!result) {
    log_->warn("kafka", "commit of {} partitions: no answer in time", list->cnt);
    forget_failed(RD_KAFKA_RESP_ERR__TIMED_OUT, *list);
    return;
  }
  const auto err = rd_kafka_event_error(result.get());
  if (err) log_->warn("kafka", "commit: {}", rd_kafka_err2str(err));
  const rd_kafka_topic_partition_list_t* answered =
      rd_kafka_event_topic_partition_list(result.get());
  forget_failed(err, answered != nullptr ? *answered : *list);
}

void KafkaConsumer::on_commit_result(rd_kafka_t*, rd_kafka_resp_err_t err,
                                     rd_kafka_topic_partition_list_t* offsets,
                                     void* self) noexcept {
  KafkaConsumer* me = ClientContext::owner_of<KafkaConsumer>(self);
  if (me != nullptr && offsets != nullptr) me->forget_failed(err, *offsets);
}

// A partition whose commit failed is committed again at the next chance (the interval's
// commit skips only points that were sent and not refused).
void KafkaConsumer::forget_failed(rd_kafka_resp_err_t err,
                                  const rd_kafka_topic_partition_list_t& offsets) {
  for (int i = 0; i < offsets.cnt; ++i) {
    const auto& p = offsets.elems[i];
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR && p.err == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    auto it = partitions_.find(Key{p.topic, p.partition});
    if (it == partitions_.end()) continue;
    std::lock_guard lock(it->second->mutex);
    if (it->second->committed == p.offset) it->second->committed = -1;
  }
}

void KafkaConsumer::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                 rd_kafka_topic_partition_list_t* partitions, void* self) noexcept {
  auto* me = ClientContext::owner_of<KafkaConsumer>(self);
  if (me == nullptr) {  // closing in the background: only answer, so librdkafka can go on
    answer_rebalance(rk, err, partitions);
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    me->assign(partitions);
  } else {
    me->revoke(partitions, rd_kafka_assignment_lost(rk) != 0);
  }
}

void KafkaConsumer::assign(rd_kafka_topic_partition_list_t* partitions) {
  for (int i = 0; i < partitions->cnt; ++i) {
    const auto& p = partitions->elems[i];
    const Key key{p.topic, p.partition};
    if (partitions_.count(key) != 0) continue;
    core::DeliverySink* sink = nullptr;
    {
      std::lock_guard lock(topics_mutex_);
      const auto it = sinks_.find(p.topic);
      if (it != sinks_.end()) sink = it->second;
    }
    // A topic unsubscribed while this rebalance was under way: its records are not taken
    // (take() reads only known partitions) and the next rebalance takes it away.
    if (sink == nullptr) continue;
    auto state = std::make_shared<PartitionState>();
    state->topic = p.topic;
    state->partition = p.partition;
    state->sink = sink;
    partitions_.emplace(key, std::move(state));
  }
  answer_rebalance(consumer_.get(), RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS, partitions);
}

// Stops reading the partitions, lets their dispatched messages finish (bounded), commits
// their watermark (unless the assignment is already lost), then lets them go.
void KafkaConsumer::revoke(rd_kafka_topic_partition_list_t* partitions, bool lost) {
  // At close the dispatcher has drained already, so what is still dispatched is a stuck handler;
  // waiting revoke_timeout for it would break close()'s deadline (close(500 ms) took 5.5 s).
  const auto deadline =
      std::min(core::Clock::now() + options_.kafka.revoke_timeout, close_deadline_);
  if (lost) {
    log_->warn("kafka",
               "consumer of group {} lost {} partitions; their next owner reads "
               "them from the last commit",
               group_, partitions->cnt);
  }
  std::set<Key> keys;
  for (int i = 0; i < partitions->cnt; ++i) {
    const Key key{partitions->elems[i].topic, partitions->elems[i].partition};
    auto it = partitions_.find(key);
    if (it == partitions_.end()) continue;
    keys.insert(key);
    PartitionState& state = *it->second;
    state.parked.clear();  // never handed out: the next owner reads them again
    state.parked_bytes = 0;
    // librdkafka keeps a partition paused through an unassign: assigned to this member again,
    // it would never be fetched again.
    pause(state, false);
    std::unique_lock lock(state.mutex);
    state.drained.wait_until(lock, deadline, [&] { return state.dispatched == 0; });
  }
  // At close the commit is sent without waiting: librdkafka sends it before the LeaveGroup
  // and waits for its answer itself before it lets the consumer go (see close()).
  if (!lost) {
    closing_ ? commit(std::nullopt, &keys)
             : commit(std::max(deadline, core::Clock::now() + kOneRoundTrip), &keys);
  }
  for (const Key& key : keys) {
    auto it = partitions_.find(key);
    {
      std::lock_guard lock(it->second->mutex);
      it->second->revoked = true;  // late acks of abandoned messages change nothing now
    }
    partitions_.erase(it);  // deliveries still holding the state keep it alive
  }
  answer_rebalance(consumer_.get(), RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS, partitions);
}

void KafkaConsumer::stop() {
  poller_.request_stop();
  if (consumer_) {  // rd_kafka_consumer_poll waits up to 100 ms; a yield ends the wait at once
    QueuePtr queue(rd_kafka_queue_get_consumer(consumer_.get()));
    if (queue) rd_kafka_queue_yield(queue.get());
  }
  if (poller_.joinable()) poller_.join();
}

// Bounded by `deadline` whatever the broker does. What the handlers finished is committed
// (asynchronously: librdkafka sends it before the LeaveGroup and does not let the consumer go
// before both are answered or time out), the group is left, and whatever librdkafka still waits
// for at the deadline finishes in the background (core/background_closes.hpp), where only
// librdkafka's own rebalance events are answered and the handle is destroyed.
void KafkaConsumer::close(core::Deadline deadline) {
  if (closed_) return;
  closed_ = true;
  stop();
  close_deadline_ = deadline;
  closing_ = true;
  commit(std::nullopt, nullptr);  // before leaving, in case the revoke comes after the deadline
  QueuePtr queue(rd_kafka_queue_new(consumer_.get()));
  bool left = false;
  if (ErrorPtr error(rd_kafka_consumer_close_queue(consumer_.get(), queue.get())); error) {
    log_->warn("kafka", "consumer close: {}", rd_kafka_error_string(error.get()));
  } else {
    left = serve_leaving(queue.get(), deadline);
  }
  partitions_.clear();
  context_->owner.store(nullptr);  // callbacks reach nothing of this object from now on
  if (left) return;                // the handle goes with this object at once
  // A revoke librdkafka hands out must still be answered, or destroying the consumer hangs for
  // good; against a broker that does not answer, librdkafka lets go once its requests time out
  // (socket.timeout.ms: the session timeout, see consumer_config), hence the cap.
  const core::Deadline cap =
      core::Clock::now() + options_.kafka.session_timeout + std::chrono::seconds(2);
  // Raw pointers: finish_leaving destroys both (the lambda must be copyable for
  // std::function, and runs once).
  core::close_in_background([rk = consumer_.release(), close_queue = queue.release(),
                             context = context_, cap] { finish_leaving(rk, close_queue, cap); });
}

// Serves the rebalance events of the group leave until the consumer is closed (true) or the
// deadline passed.
bool KafkaConsumer::serve_leaving(rd_kafka_queue_t* queue, core::Deadline deadline) {
  while (!rd_kafka_consumer_closed(consumer_.get())) {
    const int left = core::ms_left(deadline);
    EventPtr event(rd_kafka_queue_poll(queue, std::min(left, 100)));
    if (event && rd_kafka_event_type(event.get()) == RD_KAFKA_EVENT_REBALANCE) {
      on_rebalance(consumer_.get(), rd_kafka_event_error(event.get()),
                   rd_kafka_event_topic_partition_list(event.get()), context_.get());
    }
    if (left == 0 && !event) return false;  // and nothing more is queued for us
  }
  return true;
}

// On the background-close thread: nothing of the KafkaConsumer is left, only its handle.
void KafkaConsumer::finish_leaving(rd_kafka_t* rk, rd_kafka_queue_t* queue, core::Deadline cap) {
  while (!rd_kafka_consumer_closed(rk) && core::Clock::now() < cap) {
    EventPtr event(rd_kafka_queue_poll(queue, std::min(core::ms_left(cap), 100)));
    if (event && rd_kafka_event_type(event.get()) == RD_KAFKA_EVENT_REBALANCE) {
      answer_rebalance(rk, rd_kafka_event_error(event.get()),
                       rd_kafka_event_topic_partition_list(event.get()));
    }
  }
  const bool closed = rd_kafka_consumer_closed(rk) != 0;
  rd_kafka_queue_destroy(queue);
  // Otherwise rd_kafka_destroy would run rd_kafka_consumer_close, which waits as long as the
  // coordinator does not answer.
  rd_kafka_destroy_flags(rk, closed ? 0 : RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

}  // namespace eventbus::kafka
