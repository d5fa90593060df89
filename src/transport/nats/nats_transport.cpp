// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/nats_transport.hpp"

#include <algorithm>

#include "core/background_closes.hpp"
#include "eventbus/error.hpp"
#include "transport/nats/nats_header_rules.hpp"
#include "transport/nats/nats_status.hpp"

namespace eventbus::nats {
namespace {

// The words of a failed async publish. Not describe(): nats.c's last-error text is per thread,
// and on the ack thread it would be some earlier, unrelated error. `stream_checked`: the bus
// found or made the topic's stream before publishing (every strategy but skip).
std::string ack_error_detail(const std::string& topic, const jsPubAckErr& error,
                             bool stream_checked) {
  std::string text = "nats: publish to " + topic + ": ";
  if (error.Err == NATS_NO_RESPONDERS && stream_checked) {
    return text +
           "no server answered for its stream, which has no leader right now (an election "
           "in a cluster) or JetStream is unavailable; the message was not stored";
  }
  if (error.Err == NATS_NO_RESPONDERS) {
    return text +
           "no stream carries this subject, or JetStream is unavailable (strategy skip "
           "creates no stream)";
  }
  text += natsStatus_GetText(error.Err);
  if (error.Err == NATS_TIMEOUT) text += " (no broker ack within publish.ack_timeout)";
  if (error.ErrCode != 0) text += " (JetStream error " + std::to_string(error.ErrCode) + ")";
  if (error.ErrText != nullptr && *error.ErrText != '\0') text += std::string(": ") + error.ErrText;
  return text;
}

}  // namespace

NatsTransport::NatsTransport(const BusOptions& options, core::LogPtr log)
    : core::Transport("nats"),
      options_(options),
      log_(std::move(log)),
      pending_(options_.publish.max_in_flight),
      connection_(
          std::make_shared<NatsConnection>(options_, log_, [this] { on_connection_lost(); })),
      streams_(std::make_unique<NatsStreams>(*connection_, options_, log_)),
      api_(std::make_unique<JetStreamApi>(*connection_, options_.nats.domain)),
      preparer_(std::make_unique<core::TopicPreparer>(preparer_hooks(), options_.nats.api_timeout,
                                                      options_.publish.ack_timeout)) {
  if (options_.nats.retry_on_failed_connect) {
    start_connector();
    return;
  }
  std::string detail;
  std::error_code ec = connection_->connect(detail);
  if (!ec) ec = start_jetstream(detail);
  if (ec) {
    preparer_->close();
    throw std::system_error(ec, detail);
  }
}

NatsTransport::~NatsTransport() {
  stop_consuming(core::Clock::now());
  close(core::Clock::now());
}

Features NatsTransport::features() const noexcept {
  Features f;
  f.persistent = true;
  f.redelivery = true;
  f.consumer_groups = true;
  f.ordered_per_key = true;
  f.group_members_keep_key_order = false;  // members pull from one consumer, no key affinity
  f.message_keys = false;                  // NATS messages have a subject and headers, no key
  return f;
}

// The JetStream context of a connection that has just been made: no round trip. Published to
// the other threads through js_mutex_ before anything can use it: a topic becomes ready (and
// publishes reach send()) only through a request on this connection, made after this.
std::error_code NatsTransport::start_jetstream(std::string& detail) {
  jsOptions o;
  jsOptions_Init(&o);
  o.Wait = options_.nats.api_timeout.count();
  if (!options_.nats.domain.empty()) o.Domain = options_.nats.domain.c_str();
  o.PublishAsync.MaxPending = static_cast<std::int64_t>(options_.publish.max_in_flight);
  o.PublishAsync.AckHandler = &NatsTransport::on_ack;
  o.PublishAsync.AckHandlerClosure = this;
  o.PublishAsync.StallWait = options_.publish.block_timeout.count();
  jsCtx* js = nullptr;
  const natsStatus s = natsConnection_JetStream(&js, connection_->get(), &o);
  if (s != NATS_OK) {
    detail = describe("nats: JetStream context", s);
    return to_error(s);
  }
  std::lock_guard lock(js_mutex_);
  js_.reset(js);
  return {};
}

// retry_on_failed_connect: attempts (each within nats.connect_timeout) every
// nats.reconnect_wait until one succeeds or the bus closes; publishes and subscriptions wait
// in the preparer meanwhile. The thread holds only what it shares: close() may leave it to
// finish an attempt in the background after this transport is gone.
void NatsTransport::start_connector() {
  connector_link_->owner = this;
  connector_ = std::jthread([link = connector_link_, connection = connection_, log = log_,
                             wait = std::max(options_.nats.reconnect_wait,
                                             std::chrono::milliseconds(10))](std::stop_token stop) {
    std::string last;
    while (!stop.stop_requested()) {
      std::string detail;
      std::error_code ec = connection->connect(detail);
      if (!ec) {
        std::lock_guard lock(link->mutex);
        if (link->owner == nullptr) return;
        ec = link->owner->start_jetstream(detail);
        if (!ec) {
          log->info("nats", "connected (the bus started before a server answered)");
          return;
        }
      }
      if (ec == errc::closed) return;
      if (detail != last) log->warn("nats", "{}; trying again", detail);  // once per new cause
      last = detail;
      core::pause_unless_stopped(stop, wait);
    }
  });
}

core::TopicPreparer::Hooks NatsTransport::preparer_hooks() {
  return {[this](const std::string& topic, bool for_subscribe, core::Deadline deadline,
                 std::string& detail) { return prepare(topic, for_subscribe, deadline, detail); },
          [this](std::unique_ptr<core::PendingPublish> m) { send_now(std::move(m)); },
          nullptr};  // send() reads nothing the call alone keeps valid
}

std::error_code NatsTransport::prepare(const std::string& topic, bool for_subscribe,
                                       core::Deadline deadline, std::string& detail) {
  std::string stream;
  return streams_->ensure(topic, for_subscribe, deadline, stream, detail);
}

void NatsTransport::publish(std::unique_ptr<core::PendingPublish> message) {
  preparer_->publish(std::move(message));
}

std::error_code NatsTransport::check_outgoing(std::string_view key, const Headers& headers,
                                              std::string& detail) const {
  return check_nats_outgoing(key, headers, detail);
}

// A publish of a ready topic, on the caller's thread or the preparer's.
void NatsTransport::send_now(std::unique_ptr<core::PendingPublish> message) {
  // Ownership passes to pending_ before nats.c can ack: on_ack may run before send returns.
  core::PendingPublish* in_flight = message.release();
  std::string detail;
  const natsStatus s = send(*in_flight, detail);
  if (s != NATS_OK) {  // never reached nats.c, so still ours
    core::PendingPublish::finish(std::unique_ptr<core::PendingPublish>(in_flight), to_error(s), {},
                                 detail);
  }
}

// Builds the natsMsg and hands it to nats.c; on failure nothing stays registered. After a
// success `message` belongs to the ack path and must not be touched.
natsStatus NatsTransport::send(core::PendingPublish& message, std::string& detail) {
  natsMsg* raw = nullptr;
  natsStatus s = natsMsg_Create(&raw, message.topic.c_str(), nullptr, message.payload.data(),
                                static_cast<int>(message.payload.size()));
  MessagePtr msg(raw);
  if (s == NATS_OK && options_.nats.message_id && !message.event_id.empty()) {
    s = natsMsgHeader_Set(msg.get(), "Nats-Msg-Id", message.event_id.c_str());
  }
  for (const auto& [key, value] : message.headers) {
    if (s == NATS_OK) s = natsMsgHeader_Add(msg.get(), key.c_str(), value.c_str());
  }
  if (s != NATS_OK) {
    detail = describe("nats: build message", s);
    return s;
  }
  std::string().swap(message.payload);  // nats.c copied it; keep one copy per message
  if (!pending_.insert(msg.get(), &message)) {
    detail = "nats: more messages in flight than publish.max_in_flight";
    return NATS_INSUFFICIENT_BUFFER;
  }
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = options_.publish.ack_timeout.count();  // nats.c then reports a timeout itself
  const natsMsg* key = msg.get();
  natsMsg* handed = msg.release();
  s = js_PublishMsgAsync(js_.get(), &handed, &po);
  if (s != NATS_OK) {  // nats.c never hands this message to on_ack
    pending_.take(key);
    natsMsg_Destroy(handed);  // still ours: nats.c clears the pointer only when it took it
    detail = describe("nats: publish to " + message.topic, s);
    return s;
  }
  // on_ack may have answered while nats.c was still writing the message; then it left the
  // message for us to free (see pending_table.hpp).
  if (pending_.sent(key)) natsMsg_Destroy(const_cast<natsMsg*>(key));
  return s;
}

// nats.c's one ack path, on its async-publish thread: finds the publish, reports, frees.
void NatsTransport::on_ack(jsCtx*, natsMsg* msg, jsPubAck* ack, jsPubAckErr* error,
                           void* self) noexcept {
  auto* me = static_cast<NatsTransport*>(self);
  const PendingTable::Answer answer = me->pending_.answer(msg);
  // The ack handler owns the message it is given, unless its publisher is still sending it.
  if (!answer.publisher_frees) natsMsg_Destroy(msg);
  std::unique_ptr<core::PendingPublish> message(answer.publish);
  if (!message) return;
  if (error != nullptr) {
    // No responders on a stream the bus found is a stream without a leader for the moment (a
    // cluster's election after its leader died): retriable, unlike a subject no stream carries.
    const bool stream_checked =
        me->options_.topic_options(message->topic).strategy != TopicStrategy::skip;
    const std::string detail = ack_error_detail(message->topic, *error, stream_checked);
    const std::error_code code = error->Err == NATS_TIMEOUT ? make_error_code(errc::publish_timeout)
                                 : error->Err == NATS_NO_RESPONDERS && stream_checked
                                     ? make_error_code(errc::transport_error)
                                     : to_error(error->Err, error->ErrCode);
    core::PendingPublish::finish(std::move(message), code, {}, detail);
    return;
  }
  const core::StoredAt where{ack != nullptr && ack->Stream ? ack->Stream : "", 0,
                             ack != nullptr ? static_cast<std::int64_t>(ack->Sequence) : -1};
  core::PendingPublish::finish(std::move(message), {}, where);
}

// Bounded by `deadline` whatever the server does (numbered steps say why in this order).
void NatsTransport::close(core::Deadline deadline) {
  {
    std::lock_guard lock(consumers_mutex_);
    if (closed_) return;
    closed_ = true;
  }
  // 1. Publishes still waiting for their topic are cancelled, and none is being sent any more;
  //    a connector lets go of us (it may be starting JetStream: that takes no round trip).
  preparer_->close();
  connector_.request_stop();
  {
    std::lock_guard lock(connector_link_->mutex);
    connector_link_->owner = nullptr;
  }
  // 2. Outstanding publishes get until the deadline to be acked. Also when our table is empty:
  //    nats.c counts an ack as pending until its handler returned, so this waits for an ack
  //    handler still running (its completion, then its tenant's) before close() returns.
  {
    std::unique_lock js_lock(js_mutex_);
    if (js_) {
      jsPubOptions po;
      jsPubOptions_Init(&po);
      po.MaxWait = std::max(1, core::ms_left(deadline));  // 0 would mean nats.c's default
      js_lock.unlock();
      js_PublishAsyncComplete(js_.get(), &po);
    }
  }
  // 3. What is still unacked completes as cancelled (outside js_mutex_, see take_pending).
  std::unique_lock js_lock(js_mutex_);
  auto unacked = take_pending();
  js_lock.unlock();
  fail(std::move(unacked), make_error_code(errc::cancelled),
       "abandoned by close before the broker acked it");
  // 4. The connection closes before the JetStream context and the subscriptions go: destroying
  //    them first writes UNSUBs, and nats.c 3.4 closes a connection with unwritten bytes by a
  //    PING it waits 500 ms for (against a frozen server, every time). Closing also wakes a
  //    preparer or subscriber blocked in a request at once.
  std::shared_ptr<NatsConnection> connection;
  {
    std::lock_guard lock(consumers_mutex_);  // connection_health() may be reading it
    connection = std::move(connection_);
  }
  await_write_buffer_empty(connection->get(), deadline);
  connection->close();
  // 5. The preparer's thread returns from whatever request it was in; join it.
  std::thread preparer = preparer_->release_thread();
  if (preparer.joinable()) preparer.join();
  js_lock.lock();
  js_.reset();
  js_lock.unlock();
  {
    std::lock_guard lock(consumers_mutex_);
    consumers_.clear();
  }
  // 6. A connector still inside an attempt (nats.c cannot cut one short) finishes it in the
  //    background; what it holds is shared, and it makes no use of this transport any more.
  if (connector_.joinable()) {
    core::close_in_background([connector = std::make_shared<std::jthread>(std::move(connector_)),
                               keep = connection] { connector->join(); });
  }
  connection.reset();
  if (options_.nats.close_library_on_close) nats_Close();
}

// nats.c's flusher writes buffered bytes within about a millisecond; against a server that
// reads nothing the kernel still takes them, unless its socket buffer is full. A busy machine
// may not run the flusher at once, so this waits up to 50 ms past the deadline (quiet: ~1 ms);
// what is still buffered then costs nats.c's 500 ms wait (a full socket buffer: a server that
// stopped reading long ago under load).
void NatsTransport::await_write_buffer_empty(natsConnection* nc, core::Deadline deadline) {
  if (nc == nullptr) return;
  const auto until = std::max(deadline, core::Clock::now() + std::chrono::milliseconds(50));
  // nats.c signals nothing when its buffer empties: look every 200 us (a few looks at most).
  while (natsConnection_Buffered(nc) > 0 && core::Clock::now() < until)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
}

// Takes every publish nats.c still holds. The caller holds js_mutex_, and finishes them after
// releasing it: a completion may call back into the bus.
std::vector<std::unique_ptr<core::PendingPublish>> NatsTransport::take_pending() {
  std::vector<std::unique_ptr<core::PendingPublish>> taken;
  // nats.c 3.4 crashes in GetPendingList on a context that never published asynchronously.
  if (!js_ || pending_.size() == 0) return taken;
  natsMsgList list{};
  if (js_PublishAsyncGetPendingList(&list, js_.get()) != NATS_OK) return taken;
  for (int i = 0; i < list.Count; ++i) {
    natsMsg* msg = list.Msgs[i];
    list.Msgs[i] = nullptr;  // ours now, unless its publisher is still sending it
    const PendingTable::Answer answer = pending_.answer(msg);
    if (!answer.publisher_frees) natsMsg_Destroy(msg);
    if (answer.publish != nullptr) taken.emplace_back(answer.publish);
  }
  natsMsgList_Destroy(&list);
  return taken;
}

void NatsTransport::fail(std::vector<std::unique_ptr<core::PendingPublish>> publishes,
                         std::error_code error, std::string_view detail) {
  for (auto& publish : publishes)
    core::PendingPublish::finish(std::move(publish), error, {}, detail);
}

// nats.c gave up reconnecting. It then never reports the publishes it still holds (their
// timeouts go to a subscription that is closed too): fail them now rather than at close(),
// which may come much later (tests/nats/publish_failure_test.cpp).
void NatsTransport::on_connection_lost() noexcept {
  std::unique_lock lock(js_mutex_);
  auto publishes = take_pending();
  lock.unlock();
  fail(std::move(publishes), make_error_code(errc::transport_error),
       "nats: connection closed before the broker acked it (reconnects exhausted)");
}

}  // namespace eventbus::nats
