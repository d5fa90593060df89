// SPDX-License-Identifier: Apache-2.0
// JetStream's management API spoken directly, JSON in and JSON out, for stream administration.
//
// Why not nats.c's js_AddStream / js_UpdateStream: an update replaces a stream's whole
// configuration, and nats.c 3.4 knows only the fields of its own day; a configuration read and
// written back through its structs would lose any field a newer server (or another client) set.
// Here the configuration the server returns is changed in the fields the bus owns and sent back
// as it was otherwise. The answers also carry the server's own error code and words.
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>

#include "transport/nats/nats_connection.hpp"

namespace eventbus::nats {

// JetStream API error codes (nats-server's "err_code") the bus acts on.
inline constexpr int kStreamNotFound = 10059;
inline constexpr int kStreamNameInUse = 10058;  // exists with another configuration
inline constexpr int kStreamSubjectOverlap = 10065;

struct ApiAnswer {
  natsStatus status = NATS_OK;  // of the request itself: timeout, no responders, closed
  nlohmann::json body;          // the server's answer when status is NATS_OK
  int err_code = 0;             // the server's JetStream error code; 0: none
  std::string text;             // what went wrong, in words (request or server)

  bool ok() const noexcept { return status == NATS_OK && err_code == 0; }
  // transport_error when the server did not answer in time or at all, invalid_option or
  // rejected for a refusal.
  std::error_code error() const;
};

class JetStreamApi {
 public:
  // `domain`: the JetStream domain (empty: none). The connection must outlive this object;
  // before it is connected, requests fail at once (transport_error).
  JetStreamApi(const NatsConnection& connection, const std::string& domain);

  // Sends `body` to "$JS[.<domain>].API.<operation>" and waits up to `timeout` for the answer.
  ApiAnswer request(std::string_view operation, const nlohmann::json& body,
                    std::chrono::milliseconds timeout) const;
  // "$JS[.<domain>].API.<operation>".
  std::string subject(std::string_view operation) const { return prefix_ + std::string(operation); }

 private:
  const NatsConnection& connection_;
  std::string prefix_;
};

}  // namespace eventbus::nats
