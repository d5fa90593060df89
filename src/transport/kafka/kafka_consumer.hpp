// SPDX-License-Identifier: Apache-2.0
// The consuming half of the Kafka transport: one consumer-group member per bus and group, for
// all of its topics (the Go SDK lost messages by rebalancing a new member in on every
// subscribe). One poll thread feeds the dispatcher, a burst of records at a time, each
// partition's share in one call; a record whose lane is full (or that has no handling
// rate-limit token yet) stays parked, the partition's later records behind it, until there is
// room; a partition with its share of fetch_queue_kbytes parked is paused until half of it is
// handed out: memory stays bounded.
// Offsets are committed only up to each partition's contiguous watermark: async on an
// interval; on revoke and close waiting for the answer, but never past a deadline. Both eager
// and cooperative assignment are served (KafkaOptions::assignment_strategy says why eager is
// the default with librdkafka 2.0.2).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/log.hpp"
#include "core/transport.hpp"
#include "eventbus/options.hpp"
#include "transport/kafka/client_context.hpp"
#include "transport/kafka/commit_watermark.hpp"
#include "transport/kafka/kafka_handles.hpp"

namespace eventbus::kafka {

// One assigned partition. Shared with its deliveries, so an ack after a revoke finds it and
// is ignored.
struct PartitionState {
  std::string topic;
  std::int32_t partition = 0;
  std::mutex mutex;
  CommitWatermark watermark;        // guarded by mutex
  std::int64_t committed = -1;      // guarded by mutex: last commit point sent, not failed
  bool revoked = false;             // guarded by mutex
  std::size_t dispatched = 0;       // guarded by mutex: handed to the dispatcher, not settled
  std::condition_variable drained;  // revoke waits here for dispatched to reach 0
  core::DeliverySink* sink = nullptr;
  std::deque<core::DeliveryPtr> parked;  // poll thread only: waiting for lane room
  std::size_t parked_bytes = 0;          // poll thread only: parked_size() of what is parked
  bool blocked = false;                  // poll thread only: the last offer met a full lane
  bool paused = false;                   // poll thread only
};

class KafkaConsumer {
 public:
  KafkaConsumer(const BusOptions& options, std::string group, core::LogPtr log);
  ~KafkaConsumer();

  // Adds a topic to this member's subscription (applied by the poll thread).
  void add_topic(const std::string& topic, core::DeliverySink& sink);
  // Takes the topic read into `sink` out of the subscription (applied by the poll thread; the
  // rebalance that follows revokes its partitions, committing what was handled and dropping
  // what was not handed out). False when `sink` reads none of this member's topics.
  bool remove_sink(const core::DeliverySink& sink);
  // Lag of the partitions assigned to this member, as of the poll thread's last refresh
  // (every second); empty once stopped.
  std::vector<PartitionLag> lag() const;
  // Stops polling and joins the poll thread; assigned partitions stay assigned.
  void stop();
  // Commits what finished, leaves the group, frees the consumer. Waits for handlers still
  // running (their revoke) no later than `deadline`.
  void close(core::Deadline deadline = core::Clock::now());

 private:
  using Key = std::pair<std::string, std::int32_t>;
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* partitions, void* self) noexcept;
  void poll_loop(std::stop_token stop);
  void apply_subscription();
  std::size_t poll_burst(int timeout_ms);
  void take(MessagePtr message);
  bool just_created(const rd_kafka_message_t& message);
  core::DeliverySink* first_parked() const;
  void offer_parked();
  void offer(PartitionState& state);
  static void count_dispatched(PartitionState& state,
                               const std::deque<core::DeliveryPtr>& deliveries, bool on);
  static std::size_t parked_size(const core::Delivery& delivery);
  std::size_t park_limit_bytes() const;
  void assign(rd_kafka_topic_partition_list_t* partitions);
  void revoke(rd_kafka_topic_partition_list_t* partitions, bool lost);
  void commit(std::optional<core::Deadline> wait, const std::set<Key>* only = nullptr);
  static void on_commit_result(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                               rd_kafka_topic_partition_list_t* offsets, void* self) noexcept;
  void forget_failed(rd_kafka_resp_err_t err, const rd_kafka_topic_partition_list_t& offsets);
  bool serve_leaving(rd_kafka_queue_t* queue, core::Deadline deadline);
  static void finish_leaving(rd_kafka_t* rk, rd_kafka_queue_t* queue, core::Deadline cap);
  void pause(PartitionState& state, bool on);
  void refresh_lag();
  static int on_statistics(rd_kafka_t*, char*, size_t, void*) noexcept { return 0; }

  const BusOptions& options_;
  const std::string group_;
  const core::LogPtr log_;
  const ClientContextPtr context_ = std::make_shared<ClientContext>();  // before consumer_
  HandlePtr consumer_;

  std::mutex topics_mutex_;
  std::map<std::string, core::DeliverySink*> sinks_;         // guarded by topics_mutex_
  bool topics_changed_ = false;                              // guarded by topics_mutex_
  std::map<std::string, core::Clock::time_point> added_at_;  // guarded by topics_mutex_

  std::map<Key, std::shared_ptr<PartitionState>> partitions_;  // poll thread only
  core::Clock::time_point next_commit_;
  core::Clock::time_point next_lag_refresh_;
  mutable std::mutex lag_mutex_;
  std::vector<PartitionLag> lag_;  // guarded by lag_mutex_
  std::jthread poller_;
  bool closed_ = false;
  // Revokes wait for running handlers until revoke_timeout, and during close() no later than
  // close_deadline_, and then commit without waiting (closing_). Written by close() after the
  // poll thread is joined; read by revoke(), which then runs on the closing thread.
  core::Deadline close_deadline_ = core::Deadline::max();
  bool closing_ = false;
};

}  // namespace eventbus::kafka
