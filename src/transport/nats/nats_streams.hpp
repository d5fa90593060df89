// SPDX-License-Identifier: Apache-2.0
// Which stream carries each topic, found once per topic and remembered (the Go SDK's StreamInfo
// round trip on every publish cost it two orders of magnitude).
//
// The server is asked first which stream carries the subject; that stream is used, whoever
// made it. Only when none does is a stream created (see NatsOptions::stream_name for its name
// and subjects). An existing stream is changed only under create_or_update, only in the
// settings the user set, and its subjects only ever grow.
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "core/log.hpp"
#include "eventbus/options.hpp"
#include "transport/nats/jetstream_api.hpp"

namespace eventbus::nats {

class NatsStreams {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  NatsStreams(const NatsConnection& connection, const BusOptions& options, core::LogPtr log);

  // The stream carrying `topic`: from the cache, or found (and created or checked, per the
  // topic's strategy) now, in round trips of up to nats.api_timeout each, all by `deadline`.
  // `for_subscribe`: a skip topic is still looked up (a consumer needs its stream's name);
  // otherwise skip costs no round trip and `stream` comes back empty. `detail` says what is
  // wrong. Thread-safe; two first calls for one topic may both ask the server (what they do is
  // idempotent), none holds a lock over a round trip.
  std::error_code ensure(const std::string& topic, bool for_subscribe, Deadline deadline,
                         std::string& stream, std::string& detail);

  // The stream that holds `topic` on the server now: asked afresh (the cache may name a stream
  // deleted since), never created or changed. Empty `stream` when none holds it. For readers.
  std::error_code find(const std::string& topic, Deadline deadline, std::string& stream,
                       std::string& detail) {
    return find_carrier(topic, deadline, stream, detail);
  }

 private:
  std::error_code resolve(const std::string& topic, const TopicOptions& t, Deadline deadline,
                          std::string& stream, std::string& detail);
  std::error_code use_carrier(const std::string& topic, const TopicOptions& t,
                              const std::string& carrier, Deadline deadline, std::string& stream,
                              std::string& detail);
  // The stream whose subjects take `topic`; empty when none. Fails when the server does not
  // answer or more than one stream answers.
  std::error_code find_carrier(const std::string& topic, Deadline deadline, std::string& stream,
                               std::string& detail);
  std::error_code settle_existing(const std::string& topic, const TopicOptions& t,
                                  const std::string& stream, Deadline deadline,
                                  std::string& detail);
  std::error_code create(const std::string& topic, const TopicOptions& t, Deadline deadline,
                         std::string& stream, std::string& detail);
  std::error_code add_subject(const std::string& topic, const TopicOptions& t,
                              const std::string& stream, Deadline deadline, std::string& detail);
  std::error_code update(const std::string& stream, const nlohmann::json& config, Deadline deadline,
                         std::string& detail);
  ApiAnswer info(const std::string& stream, Deadline deadline) const;
  // One API call, waiting up to nats.api_timeout and never past `deadline`.
  ApiAnswer request(std::string_view operation, const nlohmann::json& body,
                    Deadline deadline) const;

  JetStreamApi api_;
  const BusOptions& options_;
  const core::LogPtr log_;
  std::shared_mutex mutex_;
  std::unordered_map<std::string, std::string> ready_;  // topic -> stream
};

}  // namespace eventbus::nats
