// SPDX-License-Identifier: Apache-2.0
/// @file
/// Where the embedded metrics endpoint listens (eventbus/metrics_server.hpp), and the
/// configuration file's `metrics` section (eventbus/config.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace eventbus {

/// Where a MetricsServer listens and what it serves.
struct MetricsServerOptions {
  /// Interface to listen on: an IPv4 or IPv6 address or a host name; default "127.0.0.1"
  /// (this host only). "0.0.0.0" or "::" listen on every interface.
  std::string address = "127.0.0.1";
  /// TCP port; default 9464. 0 picks a free port (MetricsServer::port() tells which).
  std::uint16_t port = 9464;
  /// The one path served (GET); every other path answers 404. Default "/metrics"; must
  /// start with '/'.
  std::string path = "/metrics";

  /// Checks every field; the error (invalid_option) and `detail` name the bad one.
  std::error_code validate(std::string* detail = nullptr) const;
};

/// Reads "host:port" or "[ipv6]:port" (port 0..65535) into `options`' address and port.
/// invalid_option with `detail` quoting the text when it is not one.
std::error_code parse_listen_address(std::string_view text, MetricsServerOptions& options,
                                     std::string* detail = nullptr);

/// The configuration file's `metrics: {enabled, listen, path}` section.
struct MetricsConfig {
  bool enabled = false;         ///< serve the endpoint; default off
  MetricsServerOptions server;  ///< listen (default "127.0.0.1:9464") and path ("/metrics")
};

}  // namespace eventbus
