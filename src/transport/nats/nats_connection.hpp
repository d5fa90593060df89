// SPDX-License-Identifier: Apache-2.0
// One nats.c connection with the bus's options applied, and what it reports while it lives.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.hpp"
#include "eventbus/options.hpp"
#include "transport/nats/nats_handles.hpp"

namespace eventbus::nats {

// Reads `options.nats` (throws std::system_error naming a refused option); connect() makes the
// connection. Secrets (passwords, tokens, URL user info) never reach a message.
// `lost` runs on nats.c's callback thread when nats.c closes the connection for good by itself
// (reconnects exhausted), never for a close() of ours; close() returns only after it ran.
class NatsConnection {
 public:
  NatsConnection(const BusOptions& options, core::LogPtr log, std::function<void()> lost = {});
  ~NatsConnection();
  NatsConnection(const NatsConnection&) = delete;
  NatsConnection& operator=(const NatsConnection&) = delete;

  // One attempt at every server, within nats.connect_timeout in all. Fails with
  // transport_error ("broker not reachable"), `detail` naming the servers and the cause.
  // Once it succeeded, nats.c reconnects by itself (nats.max_reconnect).
  std::error_code connect(std::string& detail);
  // Null until connect() succeeded; then valid until this object is destroyed.
  natsConnection* get() const noexcept { return current_.load(std::memory_order_acquire); }
  std::uint64_t reconnects() const noexcept { return reconnects_.load(); }
  bool connected() const noexcept;
  // Closes the connection (idempotent); the handle stays valid for late acks, which then fail.
  void close() noexcept;

  // Publishes `body` to `subject` and waits up to `timeout` for one reply, on an inbox
  // subscription of its own: never on nats.c's shared request-reply subscription, which
  // natsConnection_Close (nats.c 3.4.1) frees before it joins the reader thread that may still
  // be handing it a reply. A subscription whose reply did not come is kept, unsubscribed, until
  // the reader can no longer hold it (see parked_). NATS_OK: `reply` holds the answer.
  natsStatus request(std::string_view subject, std::string_view body,
                     std::chrono::milliseconds timeout, MessagePtr& reply) const;
  // Unsubscribes `subscription` and keeps it allocated while nats.c's reader may still hold it
  // (see parked_): how an inbox that may still receive is let go of.
  void park(SubscriptionPtr subscription) const;

 private:
  static void on_reconnected(natsConnection*, void* self) noexcept;
  static void on_disconnected(natsConnection*, void* self) noexcept;
  static void on_async_error(natsConnection*, natsSubscription*, natsStatus, void* self) noexcept;
  static void on_closed(natsConnection*, void* self) noexcept;

  std::string name_;
  core::LogPtr log_;
  std::function<void()> lost_;
  // nats.c runs connection callbacks on its own thread, the closed one last: close() waits
  // for it so that no callback can reach this object after it is gone.
  std::mutex mutex_;
  std::condition_variable closed_cv_;
  bool closed_ = true;  // until a connection exists, no closed callback will come
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<bool> closing_{false};  // a disconnect we asked for is not worth a warning
  OptionsPtr options_;
  NatsOptions nats_;     // for the words of connection errors
  std::string servers_;  // the server list as messages show it (no user info)
  ConnectionPtr connection_;
  // Inbox subscriptions of requests left unanswered. nats.c's reader looks a subscription up
  // and then uses it without a reference, so one unsubscribed under it must stay allocated
  // until that use is over: kept 10 s (a lookup takes microseconds), and all until close()
  // has joined the reader.
  struct Parked {
    SubscriptionPtr subscription;
    std::chrono::steady_clock::time_point since;
  };
  mutable std::mutex parked_mutex_;
  mutable std::vector<Parked> parked_;
  std::atomic<natsConnection*> current_{nullptr};  // connection_, published to other threads
};

// "nats://user:secret@host:4222" -> "nats://host:4222": URLs as they may appear in messages.
std::string redact_url(const std::string& url);

}  // namespace eventbus::nats
