// SPDX-License-Identifier: Apache-2.0
/// @file
/// An embedded HTTP endpoint serving a MetricsRegistry's exposition to Prometheus:
/// GET `<path>` answers 200 with Content-Type "text/plain; version=0.0.4; charset=utf-8"; any
/// other path answers 404.
///
/// @code
///   eventbus::MetricsRegistry registry;
///   registry.add(bus);
///   eventbus::MetricsServer server(registry, {.address = "127.0.0.1", .port = 9464});
/// @endcode
///
/// Built on Debian's cpp-httplib; link eventbus::metrics_server (the core library does not
/// depend on an HTTP library).
///
/// Threads: kThreads in all, for the server's whole life: one listener plus a fixed pool of
/// two workers that answer requests (more connections wait in line, none gets a thread of its
/// own). stop() and the destructor join all of them within about one second: the keep-alive,
/// read and write timeouts are 1 s, so an idle or slow client cannot hold a worker longer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "eventbus/metrics.hpp"
#include "eventbus/metrics_options.hpp"

namespace eventbus {

/// Serves a MetricsRegistry's exposition over HTTP until stopped or destroyed.
class MetricsServer {
 public:
  static constexpr unsigned kWorkerThreads = 2;  ///< the fixed pool that answers requests
  static constexpr unsigned kThreads = 1 + kWorkerThreads;  ///< the listener plus the workers

  /// Listens and serves before returning. Keeps its own copy of `registry` (copies share the
  /// set of buses, so buses added to the caller's registry later are served too). Throws
  /// std::system_error: invalid_option naming the bad option, or the bind error naming the
  /// address ("metrics server: cannot listen on 127.0.0.1:9464: Address already in use").
  MetricsServer(const MetricsRegistry& registry, MetricsServerOptions options = {});
  /// Stops and joins its threads.
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  /// The port it listens on: the chosen one when options.port was 0.
  std::uint16_t port() const noexcept;
  /// "http://<address>:<port><path>", for logs.
  std::string url() const;
  /// Closes the listening socket, lets requests in progress finish and joins every thread.
  /// Idempotent; thread-safe.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace eventbus
