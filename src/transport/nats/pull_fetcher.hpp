// SPDX-License-Identifier: Apache-2.0
// One subscription's reader: keeps pull requests open on its durable consumer (see
// pull_window.hpp), reads what the server sends to the consumer's inbox, answers the server's
// status messages, hands messages on to the dispatcher as lanes have room, and renews AckWait
// for what it holds. It runs on the subscription's one fetcher thread; nats.c adds none.
//
// Flow: what arrives is taken from nats.c's queue at once, tracked (so its AckWait is renewed)
// and held until its lane has room; while anything is held no request goes out, so no more
// than one and a half batches are ever on their way or held. Nothing is acked before its
// handler finished; what is held when the reader stops is naked (redelivered), and what nats.c
// had not yet handed over goes back to the server after AckWait.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "core/deadline.hpp"
#include "core/log.hpp"
#include "core/transport.hpp"
#include "transport/nats/nats_consumer.hpp"
#include "transport/nats/nats_handles.hpp"
#include "transport/nats/pull_protocol.hpp"
#include "transport/nats/pull_window.hpp"

namespace eventbus::nats {

class PullFetcher {
 public:
  // Makes the durable consumer again after the server deleted it; false (with `detail`) when
  // the server refused or did not answer.
  using RemakeConsumer = std::function<bool(std::string& detail)>;

  // `expires`: how long a request stays open when the server has nothing to send.
  PullFetcher(std::shared_ptr<NatsConsumer> consumer, core::DeliverySink& sink, int batch,
              std::chrono::milliseconds expires, core::LogPtr log, RemakeConsumer remake);

  void run(std::stop_token stop);

 private:
  using Clock = core::Clock;
  bool read(std::int64_t timeout_ms);
  void wait_for_room(std::stop_token stop, std::uint64_t epoch);
  void request_if_due(Clock::time_point now);
  void watch_heartbeats(Clock::time_point now);
  void on_status(natsMsg* message, Clock::time_point now);
  void on_api_answer(std::string_view body, Clock::time_point now);
  void on_consumer_missing(std::string_view why, Clock::time_point now);
  void remake_if_needed(Clock::time_point now);
  void refused(std::string_view code, std::string_view description, Clock::time_point now);
  void on_read_error(natsStatus status);
  void renew_if_due();
  std::int64_t wait_ms(Clock::time_point now) const;

  std::shared_ptr<NatsConsumer> consumer_;
  core::DeliverySink& sink_;
  const core::LogPtr log_;
  const RemakeConsumer remake_;
  const std::chrono::milliseconds expires_;
  const std::chrono::milliseconds heartbeat_;
  const std::chrono::milliseconds renew_every_;  // a third of the server's AckWait
  PullWindow window_;
  std::deque<core::DeliveryPtr> held_;  // taken from nats.c, waiting for room in their lane
  std::vector<MessagePtr> spent_;       // read and copied, to be freed together
  std::string request_body_;
  std::uint64_t reconnects_seen_;
  Clock::time_point last_heard_;     // a message, a status, or the first request sent
  Clock::time_point last_emptied_;   // when nats.c's queue was last found empty
  Clock::time_point quiet_until_{};  // after a refusal: no request before this
  Clock::time_point next_renewal_;
  bool consumer_missing_ = false;
  std::string last_refusal_;  // warned once per distinct refusal
  std::stop_token stop_;
};

}  // namespace eventbus::nats
