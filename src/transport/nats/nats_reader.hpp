// SPDX-License-Identifier: Apache-2.0
// One Bus::read on NATS (core/transport.hpp, Transport::read), on the caller's thread.
//
// It pulls from the consumer read_consumer.hpp sets up, through pull requests of its own on an
// inbox of its own (as the fetcher does, never natsSubscription_Fetch: see
// docs/nats-consumption.md), in batches of up to kReadBatch, one request open at a time, and
// hands the messages to the callback one at a time.
// - Without `follow` the requests are no_wait: the server sends what it has at once and says
//   when it has nothing more (404, or 408 after a partial batch). The read also ends at the
//   topic's newest message as of the start: nothing stored after it is handed on.
// - With `follow` the requests wait kFollowWait on the server; the read goes on until stopped.
// A committing group's message is acked and the ack confirmed by the server (a request, as
// natsMsg_AckSync does) before the next one is handed on. What such a read fetched and did not
// ack (the message the callback stopped at, the rest of the batch, what the open request still
// brings) is given back with -NAK at once, so the next read gets it without waiting AckWait.
// The stop token wakes a wait on the inbox at once (an empty message to it).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/deadline.hpp"
#include "core/log.hpp"
#include "core/transport.hpp"
#include "transport/nats/nats_connection.hpp"
#include "transport/nats/nats_handles.hpp"
#include "transport/nats/nats_streams.hpp"
#include "transport/nats/read_consumer.hpp"

namespace eventbus::nats {

inline constexpr int kReadBatch = 64;
inline constexpr std::chrono::milliseconds kFollowWait{300};

class NatsReader {
 public:
  // What a read uses of its transport; all of it outlives the read.
  struct Context {
    std::shared_ptr<NatsConnection> connection;
    const JetStreamApi& api;
    NatsStreams& streams;
    const NatsOptions& options;
    core::LogPtr log;
  };

  NatsReader(Context context, std::string_view topic, const ReadOptions& options,
             core::Deadline deadline, const core::ReadCallback& fn, std::stop_token stop);
  NatsReader(const NatsReader&) = delete;
  NatsReader& operator=(const NatsReader&) = delete;
  ~NatsReader();

  ReadResult run();

 private:
  using Clock = core::Clock;
  struct Held {
    MessagePtr message;
    std::uint64_t sequence = 0;
    std::int64_t stored_ns = 0;  // the stream's time, nanoseconds since the epoch
  };
  // What the last look at the inbox found.
  enum class Word { nothing, message, ended, failed };

  std::error_code set_up(std::string& detail);
  ReadResult pull();
  // Hands the oldest held message on; true when the read is over (`result` says how).
  bool hand_on(ReadResult& result);
  Word receive(std::int64_t wait_ms);
  Word on_status(natsMsg* message);
  std::error_code send_request();
  std::int64_t wait_ms() const;
  bool ack(const Held& held, std::string& detail);
  void give_back();
  // Gives back what a committing read holds, lets go of the inbox, deletes an ephemeral.
  void finish();
  ReadResult failure(std::error_code code, std::string detail) const;

  Context context_;
  ReadConsumers consumers_;
  const std::string topic_;
  const ReadOptions& options_;
  const core::Deadline deadline_;
  const core::ReadCallback& fn_;
  const std::stop_token stop_;

  ReadSource source_;
  bool consumer_open_ = false;
  std::string inbox_;
  SubscriptionPtr subscription_;
  std::string next_subject_;
  std::string request_body_;
  int batch_ = kReadBatch;
  bool request_open_ = false;
  int received_ = 0;        // of the open request
  bool exhausted_ = false;  // without `follow`: the server has nothing more to send
  Clock::time_point requested_at_{};
  Clock::time_point quiet_until_{};  // after a refused request: none before this
  std::uint64_t reconnects_seen_ = 0;
  std::deque<Held> held_;
  std::unordered_set<std::uint64_t> handed_;  // a committing group's: copies redelivered skip
  std::uint64_t read_ = 0;
  std::error_code error_;  // what receive() failed with
  std::string error_detail_;
  bool finished_ = false;
};

}  // namespace eventbus::nats
