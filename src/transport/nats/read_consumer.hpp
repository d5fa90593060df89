// SPDX-License-Identifier: Apache-2.0
// The server side of a Bus::read on NATS: which stream holds the topic, where the read ends,
// and the consumer it pulls from. Never creates or changes a stream.
//
// - No group: an ephemeral pull consumer filtered on the topic, AckNone, starting where
//   ReadOptions::from says; deleted when the read ends (and by the server after
//   kEphemeralIdle without pull requests, should that delete not reach it).
// - A group with commit: the group's durable pull consumer (nats_names.hpp's consumer_name, as
//   a subscription of that group names it), explicit acks; made when missing, starting at the
//   stream's first message, and otherwise used as it is.
// - A group without commit: an ephemeral as above, starting after the durable's ack floor (at
//   the first message when there is no durable): the durable is only looked at, so nothing of
//   it moves, not even its delivery counts. Messages past the floor that the group acked out
//   of order (parallel lanes) are read too.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "core/deadline.hpp"
#include "eventbus/nats_options.hpp"
#include "eventbus/reading.hpp"
#include "transport/nats/jetstream_api.hpp"

namespace eventbus::nats {

inline constexpr std::chrono::minutes kEphemeralIdle{5};

// The consumer a read pulls from.
struct ReadSource {
  std::string stream;
  std::string consumer;    // its name on the server
  bool ephemeral = true;   // ours: deleted when the read ends
  bool acks = false;       // explicit acks (a committing group's durable)
  std::uint64_t last = 0;  // the stream sequence of the topic's newest message at the start
};

class ReadConsumers {
 public:
  ReadConsumers(const JetStreamApi& api, const NatsOptions& options)
      : api_(api), options_(options) {}

  // The stream sequence of the newest message of `topic` on `stream`; 0 when it has none.
  std::error_code last_sequence(const std::string& stream, const std::string& topic,
                                core::Deadline deadline, std::uint64_t& last,
                                std::string& detail) const;
  // Makes (or finds) the consumer `source` names, as the header says; `source.stream` is set.
  std::error_code open(std::string_view topic, const ReadOptions& options, core::Deadline deadline,
                       ReadSource& source, std::string& detail) const;
  // Deletes an ephemeral `source` (a durable stays), waiting up to `wait`; failures are left
  // to the server's idle limit.
  void close(const ReadSource& source, std::chrono::milliseconds wait) const;

 private:
  std::error_code open_ephemeral(std::string_view topic, nlohmann::json config,
                                 core::Deadline deadline, ReadSource& source,
                                 std::string& detail) const;
  std::error_code open_durable(std::string_view topic, const std::string& durable,
                               core::Deadline deadline, ReadSource& source,
                               std::string& detail) const;
  // The durable's ack floor (stream sequence); 0 when there is no durable of that name.
  std::error_code ack_floor(const std::string& stream, const std::string& durable,
                            core::Deadline deadline, std::uint64_t& floor,
                            std::string& detail) const;
  // One API call, waiting up to nats.api_timeout and never past `deadline`.
  ApiAnswer request(const std::string& operation, const nlohmann::json& body,
                    core::Deadline deadline) const;

  const JetStreamApi& api_;
  const NatsOptions& options_;
};

}  // namespace eventbus::nats
