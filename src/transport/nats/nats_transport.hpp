// The NATS JetStream transport over nats.c.
//
// Publishing: js_PublishMsgAsync with one shared ack handler (no thread, timer or future per
// message); nats.c's MaxPending is the bus's in-flight bound, so nats.c never stalls on its
// own; Nats-Msg-Id is the event id, so the stream's duplicate window drops retried copies.
// Consuming: a durable pull consumer per (topic, group), fetched in batches by one thread per
// subscription; acks after the handler; InProgress while a message waits or runs for long.
// Threads (see shared/MEASURED.md): nats.c's 3 per process, 2 per connection, 1 for the
// JetStream API, 1 for async-publish acks; plus one fetcher per subscription.
#pragma once

#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "core/log.hpp"
#include "core/transport.hpp"
#include "eventbus/options.hpp"
#include "transport/nats/nats_connection.hpp"
#include "transport/nats/nats_consumer.hpp"
#include "transport/nats/nats_streams.hpp"
#include "transport/nats/pending_table.hpp"

namespace eventbus::nats {

class NatsTransport final : public core::Transport {
 public:
  NatsTransport(const BusOptions& options, core::LogPtr log);
  ~NatsTransport() override;

  std::string_view name() const noexcept override { return "nats"; }
  Features features() const noexcept override;
  void publish(std::unique_ptr<core::PendingPublish> message) override;
  std::error_code subscribe(const core::SubscriptionSpec& spec, core::DeliverySink& sink) override;
  void stop_consuming(core::Deadline deadline) override;
  std::uint64_t close(core::Deadline deadline) override;

  core::ConnectionHealth connection_health() const override;
  std::vector<PartitionLag> lag() override;

 private:
  static void on_ack(jsCtx*, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error, void* self) noexcept;
  natsStatus send(core::PendingPublish& message, std::string& detail);
  std::shared_ptr<NatsConsumer> make_consumer(const core::SubscriptionSpec& spec,
                                              const std::string& stream);
  void fetch_loop(std::stop_token stop, std::shared_ptr<NatsConsumer> consumer,
                  core::DeliverySink& sink);
  std::vector<std::unique_ptr<core::PendingPublish>> take_pending();
  static std::uint64_t fail(std::vector<std::unique_ptr<core::PendingPublish>> publishes,
                            std::error_code error, std::string_view detail);
  void on_connection_lost() noexcept;

  const BusOptions options_;
  const core::LogPtr log_;
  // Declared before connection_: its lost-hook may use them as soon as it is connected.
  std::mutex js_mutex_;  // guards js_ between close() and on_connection_lost()
  JetStreamPtr js_;
  PendingTable pending_;
  std::shared_ptr<NatsConnection> connection_;
  std::unique_ptr<NatsStreams> streams_;

  std::shared_mutex gate_;  // publish() holds it shared; close() takes it to stop intake
  bool closing_ = false;

  mutable std::mutex consumers_mutex_;  // also guards connection_ being reset by close()
  bool consuming_stopped_ = false;
  std::vector<std::shared_ptr<NatsConsumer>> consumers_;
  std::vector<std::jthread> fetchers_;
  bool closed_ = false;
};

}  // namespace eventbus::nats
