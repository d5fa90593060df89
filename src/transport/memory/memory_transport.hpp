// SPDX-License-Identifier: Apache-2.0
// The in-process transport: the broker is a MemoryBroker shared by name within the process.
//
// It behaves like the real ones where the conformance suite can tell: publishes are acked
// asynchronously by one completion thread, each subscription has its own fetcher thread, and
// unacked messages are delivered again.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/transport.hpp"
#include "eventbus/options.hpp"
#include "transport/memory/memory_broker.hpp"

namespace eventbus::memory {

class MemoryTransport final : public core::Transport {
 public:
  explicit MemoryTransport(const BusOptions& options);
  ~MemoryTransport() override;

  Features features() const noexcept override;
  void publish(std::unique_ptr<core::PendingPublish> message) override;
  std::error_code subscribe(const core::SubscriptionSpec& spec, core::DeliverySink& sink,
                            std::string& detail) override;
  void unsubscribe(core::DeliverySink& sink, core::Deadline deadline) override;
  ReadResult read(std::string_view topic, const ReadOptions& options, core::Deadline deadline,
                  const core::ReadCallback& fn, std::stop_token stop) override;
  TopicsReport topics(core::Deadline deadline, std::stop_token stop) override;
  GroupLagReport group_lag(const std::string& group, const std::string& topic,
                           core::Deadline deadline, std::stop_token stop) override;
  core::TransportHealth health() override;
  void stop_consuming(core::Deadline deadline) override;
  void close(core::Deadline deadline) override;

 private:
  void store_loop();
  static void hand_on(std::stop_token stop, core::DeliveryPtr delivery, core::DeliverySink& sink);
  void fetch_loop(std::stop_token stop, const std::shared_ptr<MemoryTopic>& topic,
                  const std::string& topic_name, std::string group, core::DeliverySink& sink);

  const std::size_t fetch_batch_;
  const std::size_t max_message_bytes_;
  std::shared_ptr<MemoryBroker> broker_;

  std::mutex mutex_;
  std::condition_variable queued_;   // the store thread: work arrived, or closing
  std::condition_variable drained_;  // close: the queue is empty
  std::deque<std::unique_ptr<core::PendingPublish>> outbox_;
  std::size_t storing_ = 0;  // taken from outbox_ by the store thread, not yet finished
  bool closing_ = false;
  bool consuming_stopped_ = false;
  std::thread store_thread_;
  struct Subscribed {
    std::shared_ptr<MemoryTopic> topic;
    std::string name, group;
    core::DeliverySink* sink = nullptr;
  };
  struct Fetcher {
    core::DeliverySink* sink = nullptr;
    std::jthread thread;
  };
  std::vector<Fetcher> fetchers_;
  std::vector<Subscribed> subscribed_;  // guarded by mutex_
};

}  // namespace eventbus::memory
