// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/pull_fetcher.hpp"

#include <algorithm>

#include "transport/nats/nats_handles.hpp"

namespace eventbus::nats {
namespace {

using std::chrono::milliseconds;

// At most this many messages are read from nats.c's queue before they are offered together.
constexpr std::size_t kBurst = 64;

// After a refusal or a failed remake, the next try waits this long (at most a second): long
// enough not to spin against a server that keeps refusing, short enough to resume soon.
milliseconds retry_pause(milliseconds heartbeat) {
  return std::min(heartbeat, milliseconds(1000));
}

}  // namespace

PullFetcher::PullFetcher(std::shared_ptr<NatsConsumer> consumer, core::DeliverySink& sink,
                         int batch, milliseconds expires, core::LogPtr log, RemakeConsumer remake)
    : consumer_(std::move(consumer)),
      sink_(sink),
      log_(std::move(log)),
      remake_(std::move(remake)),
      expires_(expires),
      heartbeat_(pull_heartbeat(expires)),
      renew_every_(std::max(consumer_->ack_wait() / 3, milliseconds(1))),
      window_(batch),
      request_body_(pull_request_body(window_.batch(), expires_)),
      reconnects_seen_(consumer_->reconnects()),
      last_heard_(Clock::now()),
      last_emptied_(last_heard_),
      next_renewal_(last_heard_ + renew_every_) {}

void PullFetcher::run(std::stop_token stop) {
  stop_ = stop;
  while (!stop.stop_requested()) {
    const Clock::time_point now = Clock::now();
    if (const std::uint64_t reconnects = consumer_->reconnects(); reconnects != reconnects_seen_) {
      // The server dropped the requests of the old connection with its interest in our inbox.
      reconnects_seen_ = reconnects;
      window_.forget();
      last_heard_ = now;
    }
    remake_if_needed(now);
    renew_if_due();
    if (!held_.empty()) {
      const std::uint64_t epoch = sink_.room_epoch();
      if (!sink_.try_deliver_all(held_)) wait_for_room(stop, epoch);
      continue;
    }
    request_if_due(now);
    if (!read(wait_ms(now))) {
      watch_heartbeats(Clock::now());
      continue;
    }
    // What else has arrived is offered with it: one hand-over for a burst, and nats.c's
    // collector woken once for the burst's messages, not once each.
    while (held_.size() < kBurst && read(0)) {
    }
    spent_.clear();
  }
  held_.clear();  // each delivery naks itself: the server sends it again at once
}

// Reads one message or status from the inbox, waiting up to `timeout_ms` (0: not at all);
// false when nothing came. A message is tracked at once, as having arrived no earlier than
// the last time the queue was seen empty, so its AckWait is renewed from then on.
bool PullFetcher::read(std::int64_t timeout_ms) {
  natsMsg* raw = nullptr;
  const natsStatus s = natsSubscription_NextMsg(&raw, consumer_->subscription(), timeout_ms);
  MessagePtr message(raw);
  const Clock::time_point now = Clock::now();
  if (s == NATS_TIMEOUT) {
    last_emptied_ = now;
    return false;
  }
  if (s == NATS_NO_RESPONDERS) {  // nats.c's word for a 503 status to our request
    last_heard_ = now;
    on_consumer_missing("no responder took the pull request (503)", now);
    return true;
  }
  if (s != NATS_OK) {
    on_read_error(s);
    return false;
  }
  last_heard_ = now;
  if (const char* reply = natsMsg_GetReply(message.get()); reply == nullptr || *reply == '\0') {
    on_status(message.get(), now);
    return true;
  }
  window_.received();
  held_.push_back(std::make_unique<NatsDelivery>(consumer_, message.get(), last_emptied_));
  spent_.push_back(std::move(message));  // copied; freed with the rest of its burst
  return true;
}

// First takes what the server has already sent (held and tracked, so renewed while it waits),
// then waits for the dispatcher's room signal, but no longer than the next renewal: waiting
// blind would let AckWait run out behind a slow handler (tests/nats/slow_handler_group_test.cpp).
void PullFetcher::wait_for_room(std::stop_token stop, std::uint64_t epoch) {
  while (read(0)) {
  }
  spent_.clear();
  sink_.wait_for_room(epoch, next_renewal_, stop);
}

// How long the next read may wait: until a renewal is due, until a silence would mean a lost
// request, or until a paused request may go out.
std::int64_t PullFetcher::wait_ms(Clock::time_point now) const {
  Clock::time_point until = next_renewal_;
  if (window_.owed() > 0) until = std::min(until, last_heard_ + 2 * heartbeat_);
  if (window_.wants_request() || consumer_missing_) until = std::min(until, quiet_until_);
  const auto left = std::chrono::duration_cast<milliseconds>(until - now).count();
  return std::clamp<std::int64_t>(left, 1, 2 * heartbeat_.count());
}

void PullFetcher::request_if_due(Clock::time_point now) {
  if (consumer_missing_ || now < quiet_until_ || !window_.wants_request()) return;
  const natsStatus s = consumer_->request(request_body_);
  if (s != NATS_OK) {  // closed, or the reconnect buffer is full: try again shortly
    log_->debug("nats", "pull request for {}: {}", consumer_->topic(), natsStatus_GetText(s));
    quiet_until_ = now + retry_pause(heartbeat_);
    return;
  }
  if (window_.owed() == 0) last_heard_ = now;  // the first heartbeat is due one interval on
  window_.requested();
}

// The server heartbeats every `heartbeat_` while it holds a request and has nothing to send;
// two intervals without a word mean it holds none of ours any more (a server that froze or
// restarted, a status nats.c dropped). Asking again costs at most a batch more on its way.
void PullFetcher::watch_heartbeats(Clock::time_point now) {
  if (window_.owed() == 0 || now - last_heard_ < 2 * heartbeat_) return;
  consumer_->count_lost_request();
  log_->warn("nats",
             "consumer {} on stream {}: no word from the server for {} ms (two heartbeats "
             "missed); its pull requests are taken as lost and issued again",
             consumer_->address().durable, consumer_->address().stream,
             std::chrono::duration_cast<milliseconds>(now - last_heard_).count());
  window_.forget();
  last_heard_ = now;
  // A consumer deleted while no status could reach us leaves requests unanswered for good:
  // the answer tells (on_api_answer).
  consumer_->ask_for_info();
}

void PullFetcher::on_status(natsMsg* message, Clock::time_point now) {
  const std::string_view code = header_value(message, "Status");
  if (code.empty()) {  // the answer to ask_for_info()
    on_api_answer(std::string_view(natsMsg_GetData(message),
                                   static_cast<std::size_t>(natsMsg_GetDataLength(message))),
                  now);
    return;
  }
  const std::string_view description = header_value(message, "Description");
  const PullStatus status =
      classify_pull_status(code, description, header_value(message, "Nats-Pending-Messages"));
  using Kind = PullStatus::Kind;
  switch (status.kind) {
    case Kind::heartbeat:
      return;
    case Kind::request_ended:
      window_.ended(status.unfilled);
      return;
    case Kind::requests_forgotten:
      log_->debug("nats", "consumer {}: {} {}; pull requests issued again",
                  consumer_->address().durable, code, description);
      window_.forget();
      return;
    case Kind::consumer_deleted:
      on_consumer_missing("the server deleted it (409 Consumer Deleted)", now);
      return;
    case Kind::batch_limit:
      window_.refused();
      window_.limit_batch(status.limit);
      request_body_ = pull_request_body(window_.batch(), expires_);
      log_->warn("nats", "consumer {}: {} {}; pull requests now ask for {}",
                 consumer_->address().durable, code, description, window_.batch());
      return;
    case Kind::max_waiting:
    case Kind::refused:
      refused(code, description, now);
      return;
  }
}

void PullFetcher::on_api_answer(std::string_view body, Clock::time_point now) {
  switch (consumer_presence(body)) {
    case ConsumerPresence::missing:
      on_consumer_missing("it is no longer on the server", now);
      return;
    case ConsumerPresence::present:
      return;  // the requests were lost on the way; they have been issued again
    case ConsumerPresence::unknown:
      log_->debug("nats", "inbox of {}: an answer that says nothing of the consumer: {}",
                  consumer_->topic(), body.substr(0, 200));
      return;
  }
}

// A refused request is taken back and asked again after a pause; the words are logged once
// (another consumer's readers holding all of MaxWaiting, a changed consumer, a bad request).
void PullFetcher::refused(std::string_view code, std::string_view description,
                          Clock::time_point now) {
  window_.refused();
  quiet_until_ = now + retry_pause(heartbeat_);
  std::string words = std::string(code) + " " + std::string(description);
  if (words == last_refusal_) return;
  log_->warn("nats", "consumer {} on stream {} refused a pull request: {}; asking again",
             consumer_->address().durable, consumer_->address().stream, words);
  last_refusal_ = std::move(words);
}

// The durable consumer is gone from the server. It is this subscription's to keep: made again
// with the bus's settings, so the stream is not left unread (where it starts again is the
// consumer's deliver policy: with "all", from the stream's first message).
void PullFetcher::on_consumer_missing(std::string_view why, Clock::time_point now) {
  window_.forget();
  if (consumer_missing_) return;
  consumer_missing_ = true;
  quiet_until_ = now;
  log_->warn("nats", "consumer {} on stream {} (topic {}): {}; making it again",
             consumer_->address().durable, consumer_->address().stream, consumer_->topic(), why);
}

void PullFetcher::remake_if_needed(Clock::time_point now) {
  if (!consumer_missing_ || now < quiet_until_) return;
  std::string detail;
  if (!remake_(detail)) {
    log_->warn("nats", "consumer {}: could not make it again: {}; trying again",
               consumer_->address().durable, detail);
    quiet_until_ = Clock::now() + retry_pause(heartbeat_);
    return;
  }
  log_->info("nats", "consumer {} on stream {} made again", consumer_->address().durable,
             consumer_->address().stream);
  consumer_missing_ = false;
  last_heard_ = Clock::now();
}

// A connection nats.c gave up on, or a subscription stopped under the reader: nothing more
// comes, and close() (or the stop request already made) ends the reader.
void PullFetcher::on_read_error(natsStatus status) {
  if (stop_.stop_requested()) return;
  if (status == NATS_SLOW_CONSUMER) {  // nats.c dropped messages it could not queue
    log_->warn("nats",
               "inbox of {}: nats.c dropped messages (slow consumer); they come again after "
               "AckWait",
               consumer_->topic());
    window_.forget();
    return;
  }
  log_->debug("nats", "inbox of {}: {}", consumer_->topic(), natsStatus_GetText(status));
  core::pause_unless_stopped(stop_, retry_pause(heartbeat_));
}

// A pass every third of AckWait renews what has gone unrenewed for half a pass or more, so a
// delivery waits at most about 1.5 passes (half the AckWait) for its renewal; the other half
// is slack for a late pass.
void PullFetcher::renew_if_due() {
  const Clock::time_point now = Clock::now();
  if (now < next_renewal_) return;
  consumer_->keep_alive(renew_every_ / 2);
  next_renewal_ = now + renew_every_;
}

}  // namespace eventbus::nats
