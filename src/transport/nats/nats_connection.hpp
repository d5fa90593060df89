// One nats.c connection with the bus's options applied, and what it reports while it lives.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

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
  std::atomic<natsConnection*> current_{nullptr};  // connection_, published to other threads
};

// "nats://user:secret@host:4222" -> "nats://host:4222": URLs as they may appear in messages.
std::string redact_url(const std::string& url);

}  // namespace eventbus::nats
