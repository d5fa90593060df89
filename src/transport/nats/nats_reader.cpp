// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/nats_reader.hpp"

#include <algorithm>

#include "eventbus/error.hpp"
#include "transport/nats/nats_status.hpp"
#include "transport/nats/nats_transport.hpp"
#include "transport/nats/pull_protocol.hpp"
#include "transport/nats/stored_headers.hpp"

namespace eventbus::nats {
namespace {

using std::chrono::milliseconds;

// The longest one wait on the inbox lasts: the stop token wakes it at once, but a reconnect
// (which drops the open request) is only seen between waits.
constexpr milliseconds kLongestWait{500};
// After a refused or forgotten request, the next one waits this long.
constexpr milliseconds kRetryPause{100};
// How long a committing read waits, once it ends, for what its open request still brings (it
// gives that back at once; what comes later is redelivered after AckWait).
constexpr milliseconds kDrainWait{200};
// Deleting the ephemeral consumer after a following read, or after the deadline.
constexpr milliseconds kCleanupWait{500};
// A following read's request that has said nothing for this long past its expiry is taken as
// lost (a server that froze, or restarted) and asked again.
constexpr milliseconds kLostRequest = kFollowWait + milliseconds(1000);

std::string request_body(int batch, bool follow) {
  if (!follow) return "{\"batch\":" + std::to_string(batch) + ",\"no_wait\":true}";
  const auto expires = std::chrono::duration_cast<std::chrono::nanoseconds>(kFollowWait);
  return "{\"batch\":" + std::to_string(batch) + ",\"expires\":" + std::to_string(expires.count()) +
         "}";
}

std::string new_inbox() {
  natsInbox* inbox = nullptr;
  if (natsInbox_Create(&inbox) != NATS_OK) return {};
  std::string name(inbox);
  natsInbox_Destroy(inbox);
  return name;
}

}  // namespace

NatsReader::NatsReader(Context context, std::string_view topic, const ReadOptions& options,
                       core::Deadline deadline, const core::ReadCallback& fn, std::stop_token stop)
    : context_(std::move(context)),
      consumers_(context_.api, context_.options),
      topic_(topic),
      options_(options),
      deadline_(deadline),
      fn_(fn),
      stop_(std::move(stop)) {}

// Also when the callback threw: what was fetched goes back, nothing stays on the server.
NatsReader::~NatsReader() {
  finish();
}

ReadResult NatsReader::run() {
  std::string detail;
  if (std::error_code ec = set_up(detail)) {
    finish();
    return failure(ec, std::move(detail));
  }
  ReadResult result;
  if (consumer_open_) {
    // An empty message to our own inbox ends a wait on it at once.
    const std::stop_callback wake(stop_, [this] {
      natsConnection_Publish(context_.connection->get(), inbox_.c_str(), nullptr, 0);
    });
    result = pull();
  }
  finish();
  return result;
}

// Finds the stream and, unless the read is over before it starts, the consumer. Bounded by the
// deadline (each call also by nats.api_timeout).
std::error_code NatsReader::set_up(std::string& detail) {
  if (!context_.connection || context_.connection->get() == nullptr) {
    detail = "nats: read of " + topic_ + ": not connected to a server yet";
    return make_error_code(errc::transport_error);
  }
  if (std::error_code ec = context_.streams.find(topic_, deadline_, source_.stream, detail)) {
    return ec;
  }
  if (source_.stream.empty()) {
    detail = "nats: no stream holds subject '" + topic_ + "'";
    return make_error_code(errc::unknown_topic);
  }
  if (!options_.follow) {
    // Nothing stored after the start is read: an anonymous read from the end has nothing to do.
    if (options_.group.empty() && options_.from == ReadFrom::end) return {};
    if (std::error_code ec =
            consumers_.last_sequence(source_.stream, topic_, deadline_, source_.last, detail)) {
      return ec;
    }
    if (source_.last == 0) return {};  // the topic holds nothing
  }
  inbox_ = new_inbox();
  natsSubscription* sub = nullptr;
  // A sync subscription, read on this thread: nats.c starts no thread for it.
  const natsStatus s = inbox_.empty() ? NATS_NO_MEMORY
                                      : natsConnection_SubscribeSync(
                                            &sub, context_.connection->get(), inbox_.c_str());
  if (s != NATS_OK) {
    detail = describe("nats: inbox for reading " + topic_, s);
    return to_error(s);
  }
  subscription_.reset(sub);
  if (std::error_code ec = consumers_.open(topic_, options_, deadline_, source_, detail)) return ec;
  consumer_open_ = true;
  next_subject_ =
      context_.api.subject("CONSUMER.MSG.NEXT." + source_.stream + "." + source_.consumer);
  request_body_ = request_body(batch_, options_.follow);
  reconnects_seen_ = context_.connection->reconnects();
  context_.log->debug("nats", "read {}: consumer {} on stream {}{}", topic_, source_.consumer,
                      source_.stream,
                      options_.follow ? std::string(", following")
                                      : ", up to stream sequence " + std::to_string(source_.last));
  return {};
}

ReadResult NatsReader::pull() {
  ReadResult result;
  while (!stop_.stop_requested()) {
    const Clock::time_point now = Clock::now();
    if (!options_.follow && now >= deadline_) {
      return failure(make_error_code(errc::transport_error),
                     "nats: read of " + topic_ + ": the deadline passed after " +
                         std::to_string(read_) + " messages");
    }
    if (!held_.empty()) {
      if (hand_on(result)) break;
      continue;
    }
    if (exhausted_) break;
    if (const std::uint64_t r = context_.connection->reconnects(); r != reconnects_seen_) {
      reconnects_seen_ = r;  // the server dropped the requests of the old connection
      request_open_ = false;
    }
    if (request_open_ && options_.follow && now - requested_at_ > kLostRequest) {
      context_.log->debug("nats", "read {}: no answer to a pull request; asking again", topic_);
      request_open_ = false;
    }
    if (!request_open_ && now >= quiet_until_) {
      if (std::error_code ec = send_request()) {
        return failure(ec, "nats: read of " + topic_ + ": pull request: " + error_detail_);
      }
    }
    if (receive(wait_ms()) == Word::failed) return failure(error_, error_detail_);
  }
  result.read = read_;
  return result;
}

bool NatsReader::hand_on(ReadResult& result) {
  Held& held = held_.front();
  // Stored after the read started: not read without `follow` (it goes back with the rest).
  if (!options_.follow && held.sequence > source_.last) return true;
  // A committing group's message that AckWait sent again while it waited here.
  if (source_.acks && !handed_.insert(held.sequence).second) {
    held_.pop_front();
    return false;
  }
  StoredMessage message;
  message.topic = natsMsg_GetSubject(held.message.get());
  message.headers = stored_headers(held.message.get());
  message.payload.assign(natsMsg_GetData(held.message.get()),
                         static_cast<std::size_t>(natsMsg_GetDataLength(held.message.get())));
  message.partition = -1;
  message.offset = static_cast<std::int64_t>(held.sequence);
  message.stored_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(held.stored_ns)));
  ++read_;
  if (fn_(message) == ReadStep::stop) return true;  // unsettled: given back with the rest
  if (source_.acks) {
    std::string detail;
    if (!ack(held, detail)) {
      result.error = make_error_code(errc::transport_error);
      result.detail = std::move(detail);
      return true;
    }
  }
  const std::uint64_t sequence = held.sequence;
  held_.pop_front();
  return !options_.follow && sequence >= source_.last;
}

// One look at the inbox, waiting up to `wait` ms (0: not at all).
NatsReader::Word NatsReader::receive(std::int64_t wait) {
  natsMsg* raw = nullptr;
  const natsStatus s = natsSubscription_NextMsg(&raw, subscription_.get(), wait);
  MessagePtr message(raw);
  if (s == NATS_TIMEOUT) return Word::nothing;
  if (s == NATS_NO_RESPONDERS) {  // nats.c's word for a 503 status: no consumer took it
    error_ = make_error_code(errc::transport_error);
    error_detail_ = "nats: read of " + topic_ + ": consumer " + source_.consumer + " on stream " +
                    source_.stream + " is gone (no responder took the pull request)";
    return Word::failed;
  }
  if (s != NATS_OK) {
    if (stop_.stop_requested()) return Word::nothing;
    error_ = to_error(s);
    error_detail_ = describe("nats: read of " + topic_, s);
    return Word::failed;
  }
  if (const char* reply = natsMsg_GetReply(message.get()); reply == nullptr || *reply == '\0') {
    return on_status(message.get());
  }
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, message.get()) != NATS_OK) {
    context_.log->warn("nats", "read {}: a message without JetStream metadata, skipped", topic_);
    return Word::nothing;
  }
  Held held{std::move(message), meta->Sequence.Stream, meta->Timestamp};
  jsMsgMetaData_Destroy(meta);
  held_.push_back(std::move(held));
  if (++received_ >= batch_) request_open_ = false;  // filled: the server says nothing more
  return Word::message;
}

NatsReader::Word NatsReader::on_status(natsMsg* message) {
  const std::string_view code = header_value(message, "Status");
  if (code.empty() || code == "100") return Word::nothing;  // our wake-up; a heartbeat
  request_open_ = false;
  if (code == "404") {  // a no_wait request, and nothing to send
    exhausted_ = !options_.follow;
    return Word::ended;
  }
  const std::string_view description = header_value(message, "Description");
  const PullStatus status =
      classify_pull_status(code, description, header_value(message, "Nats-Pending-Messages"));
  using Kind = PullStatus::Kind;
  switch (status.kind) {
    case Kind::heartbeat:
      return Word::nothing;
    case Kind::request_ended:
      // A no_wait request ends with a count only once the server has nothing more to send.
      exhausted_ = !options_.follow;
      return Word::ended;
    case Kind::batch_limit:
      batch_ = std::max(1, std::min(batch_, status.limit));
      request_body_ = request_body(batch_, options_.follow);
      return Word::ended;
    case Kind::requests_forgotten:  // 408 Requests Pending: another reader's requests wait
    case Kind::max_waiting:
      quiet_until_ = Clock::now() + kRetryPause;
      return Word::ended;
    case Kind::consumer_deleted:
    case Kind::refused:
      break;
  }
  error_ = make_error_code(status.kind == Kind::refused ? errc::rejected : errc::transport_error);
  error_detail_ = "nats: read of " + topic_ + ": consumer " + source_.consumer + " on stream " +
                  source_.stream + " answered " + std::string(code) + " " +
                  std::string(description);
  return Word::failed;
}

std::error_code NatsReader::send_request() {
  const natsStatus s = natsConnection_PublishRequest(
      context_.connection->get(), next_subject_.c_str(), inbox_.c_str(), request_body_.data(),
      static_cast<int>(request_body_.size()));
  if (s == NATS_CONNECTION_CLOSED) {
    error_detail_ = natsStatus_GetText(s);
    return to_error(s);
  }
  if (s != NATS_OK) {  // the reconnect buffer is full, say: try again shortly
    quiet_until_ = Clock::now() + kRetryPause;
    return {};
  }
  request_open_ = true;
  received_ = 0;
  requested_at_ = Clock::now();
  return {};
}

// Until the next thing to do: the deadline, a paused request, a look at the reconnect count.
std::int64_t NatsReader::wait_ms() const {
  const Clock::time_point now = Clock::now();
  Clock::time_point until = now + kLongestWait;
  if (!options_.follow) until = std::min(until, deadline_);
  if (!request_open_) until = std::min(until, std::max(now, quiet_until_));
  return std::max<std::int64_t>(0, std::chrono::duration_cast<milliseconds>(until - now).count());
}

// Acked and confirmed: the server answers an ack that has a reply subject once it applied it.
bool NatsReader::ack(const Held& held, std::string& detail) {
  milliseconds wait = context_.options.api_timeout;
  if (!options_.follow) wait = std::min(wait, milliseconds(core::ms_left(deadline_)));
  const std::string what = "nats: read of " + topic_ + ": ack of stream sequence " +
                           std::to_string(held.sequence) + ": ";
  if (wait.count() <= 0) {
    detail = what + "the deadline passed after " + std::to_string(read_) + " messages";
    return false;
  }
  MessagePtr answer;
  const natsStatus s =
      context_.connection->request(natsMsg_GetReply(held.message.get()), kAck, wait, answer);
  if (s != NATS_OK) {
    detail = what + natsStatus_GetText(s);
    return false;
  }
  return true;
}

// A committing read's unacked messages go back at once, with what its open request still
// brings within kDrainWait.
void NatsReader::give_back() {
  natsConnection* nc = context_.connection->get();
  const auto nak = [&](const Held& held) {
    natsConnection_Publish(nc, natsMsg_GetReply(held.message.get()), kNak.data(),
                           static_cast<int>(kNak.size()));
  };
  for (const Held& held : held_)
    nak(held);
  held_.clear();
  const Clock::time_point until = Clock::now() + kDrainWait;
  while (request_open_ && Clock::now() < until) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
    if (receive(std::max<std::int64_t>(left, 0)) == Word::failed) break;
    for (const Held& held : held_)
      nak(held);
    held_.clear();
  }
}

void NatsReader::finish() {
  if (finished_) return;
  finished_ = true;
  if (source_.acks && subscription_) give_back();
  held_.clear();
  if (subscription_) context_.connection->park(std::move(subscription_));
  if (consumer_open_) {
    const milliseconds wait = options_.follow
                                  ? kCleanupWait
                                  : std::max(kCleanupWait, milliseconds(core::ms_left(deadline_)));
    consumers_.close(source_, wait);
  }
}

ReadResult NatsReader::failure(std::error_code code, std::string detail) const {
  return {code, std::move(detail), read_};
}

ReadResult NatsTransport::read(std::string_view topic, const ReadOptions& options,
                               core::Deadline deadline, const core::ReadCallback& fn,
                               std::stop_token stop) {
  std::shared_ptr<NatsConnection> connection;
  {
    std::lock_guard lock(consumers_mutex_);
    if (closed_) return {make_error_code(errc::closed), "nats: the transport is closed", 0};
    connection = connection_;
  }
  NatsReader reader({std::move(connection), *api_, *streams_, options_.nats, log_}, topic, options,
                    deadline, fn, std::move(stop));
  return reader.run();
}

}  // namespace eventbus::nats
