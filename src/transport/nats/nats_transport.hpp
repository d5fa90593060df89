// SPDX-License-Identifier: Apache-2.0
// The NATS JetStream transport over nats.c.
//
// Publishing: js_PublishMsgAsync with one shared ack handler (no thread, timer or future per
// message); nats.c's MaxPending is the bus's in-flight bound, so nats.c never stalls on its
// own; Nats-Msg-Id is the event id, so the stream's duplicate window drops retried copies.
// Which stream carries a topic is found (or made) by the TopicPreparer's thread, never on a
// publisher's.
// Consuming: a durable pull consumer per (topic, group), read through pull requests of our own
// (pull_fetcher.hpp: pipelined, with heartbeats; never natsSubscription_Fetch) by one thread
// per subscription; acks after the handler; InProgress while a message waits or runs for long.
// Threads (see docs/client-facts.md): nats.c's 3 per process, 2 per connection, 1 for
// async-publish acks; the preparer; one fetcher per subscription; with
// retry_on_failed_connect, a connector until the first connection is made. JetStream API
// requests go through NatsConnection::request, on inboxes of their own (no nats.c thread).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "core/log.hpp"
#include "core/publish/topic_preparer.hpp"
#include "core/transport.hpp"
#include "eventbus/options.hpp"
#include "transport/nats/jetstream_api.hpp"
#include "transport/nats/nats_connection.hpp"
#include "transport/nats/nats_consumer.hpp"
#include "transport/nats/nats_streams.hpp"
#include "transport/nats/pending_table.hpp"

namespace eventbus::nats {

class NatsTransport final : public core::Transport {
 public:
  // Connects within nats.connect_timeout, or throws transport_error naming the servers. With
  // nats.retry_on_failed_connect it returns at once and connects on a thread of its own.
  NatsTransport(const BusOptions& options, core::LogPtr log);
  ~NatsTransport() override;

  Features features() const noexcept override;
  void publish(std::unique_ptr<core::PendingPublish> message) override;
  std::error_code check_outgoing(std::string_view key, const Headers& headers,
                                 std::string& detail) const override;
  std::error_code subscribe(const core::SubscriptionSpec& spec, core::DeliverySink& sink,
                            std::string& detail) override;
  // nats_reader.cpp: an ephemeral (or the group's durable) pull consumer, never a stream made.
  ReadResult read(std::string_view topic, const ReadOptions& options, core::Deadline deadline,
                  const core::ReadCallback& fn, std::stop_token stop) override;
  TopicsReport topics(core::Deadline deadline, std::stop_token stop) override;
  GroupLagReport group_lag(const std::string& group, const std::string& topic,
                           core::Deadline deadline, std::stop_token stop) override;
  core::TransportHealth health() override;
  void unsubscribe(core::DeliverySink& sink, core::Deadline deadline) override;
  void stop_consuming(core::Deadline deadline) override;
  void close(core::Deadline deadline) override;

 private:
  static void on_ack(jsCtx*, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error, void* self) noexcept;
  core::TopicPreparer::Hooks preparer_hooks();
  std::error_code prepare(const std::string& topic, bool for_subscribe, core::Deadline deadline,
                          std::string& detail);
  void send_now(std::unique_ptr<core::PendingPublish> message);
  natsStatus send(core::PendingPublish& message, std::string& detail);
  std::error_code start_jetstream(std::string& detail);
  // What the connector thread may reach of this transport: nothing once close() cut the link.
  struct ConnectorLink {
    std::mutex mutex;
    NatsTransport* owner = nullptr;
  };
  void start_connector();
  std::chrono::milliseconds ensure_consumer(const core::SubscriptionSpec& spec,
                                            const std::string& stream, core::Deadline deadline);
  bool remake_consumer(const core::SubscriptionSpec& spec, const std::string& stream,
                       std::string& detail);
  std::vector<std::unique_ptr<core::PendingPublish>> take_pending();
  static void fail(std::vector<std::unique_ptr<core::PendingPublish>> publishes,
                   std::error_code error, std::string_view detail);
  std::vector<PartitionLag> lag();
  // One JetStream API call of topics() or group_lag() (nats_inspection.cpp): up to
  // nats.api_timeout, never past `deadline`; an answer with status NATS_TIMEOUT without asking
  // when the deadline passed, the bus is closing or `stop` was requested.
  ApiAnswer inspect_request(std::string_view operation, const nlohmann::json& body,
                            core::Deadline deadline, const std::stop_token& stop);
  void on_connection_lost() noexcept;
  static void await_write_buffer_empty(natsConnection* nc, core::Deadline deadline);

  const BusOptions options_;
  const core::LogPtr log_;
  // Declared before connection_: its lost-hook may use them as soon as it is connected.
  std::mutex js_mutex_;  // guards js_ between close(), on_connection_lost() and the connector
  JetStreamPtr js_;
  PendingTable pending_;
  std::shared_ptr<NatsConnection> connection_;
  std::unique_ptr<NatsStreams> streams_;
  std::unique_ptr<JetStreamApi> api_;  // for the subjects of pull requests

  mutable std::mutex consumers_mutex_;  // also guards connection_ being reset by close()
  bool consuming_stopped_ = false;
  std::vector<std::shared_ptr<NatsConsumer>> consumers_;
  struct Fetcher {
    core::DeliverySink* sink = nullptr;
    std::shared_ptr<NatsConsumer> consumer;
    std::jthread thread;
  };
  std::vector<Fetcher> fetchers_;
  bool closed_ = false;

  std::unique_ptr<core::TopicPreparer> preparer_;  // after what its hooks use
  std::shared_ptr<ConnectorLink> connector_link_ = std::make_shared<ConnectorLink>();
  std::jthread connector_;  // retry_on_failed_connect: until the first connection is made
};

}  // namespace eventbus::nats
