#include "transport/nats/nats_transport.hpp"

#include <algorithm>

#include "eventbus/error.hpp"
#include "transport/nats/nats_status.hpp"

namespace eventbus::nats {
namespace {

// The words of a failed async publish. Not describe(): nats.c's last-error text is per thread,
// and on the ack thread it would be some earlier, unrelated error.
std::string ack_error_detail(const std::string& topic, const jsPubAckErr& error) {
  std::string text = "nats: publish to " + topic + ": ";
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
    : options_(options),
      log_(std::move(log)),
      pending_(options_.publish.max_in_flight),
      connection_(
          std::make_shared<NatsConnection>(options_, log_, [this] { on_connection_lost(); })) {
  jsOptions o;
  jsOptions_Init(&o);
  o.Wait = options_.nats.api_timeout.count();
  if (!options_.nats.domain.empty()) o.Domain = options_.nats.domain.c_str();
  o.PublishAsync.MaxPending = static_cast<std::int64_t>(options_.publish.max_in_flight);
  o.PublishAsync.AckHandler = &NatsTransport::on_ack;
  o.PublishAsync.AckHandlerClosure = this;
  o.PublishAsync.StallWait = options_.publish.block_timeout.count();
  jsCtx* js = nullptr;
  check(natsConnection_JetStream(&js, connection_->get(), &o), "nats: JetStream context");
  {
    std::lock_guard lock(js_mutex_);
    js_.reset(js);
  }
  streams_ = std::make_unique<NatsStreams>(connection_->get(), options_, log_);
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
  f.library_threads = options_.nats.close_library_on_close ? 0 : 3;
  return f;
}

void NatsTransport::publish(std::unique_ptr<core::PendingPublish> message) {
  std::shared_lock gate(gate_);
  if (closing_) {
    gate.unlock();
    core::PendingPublish::finish(std::move(message), make_error_code(errc::cancelled), {},
                                 "nats transport closed");
    return;
  }
  std::string stream, detail;
  if (std::error_code ec =
          streams_->ensure(message->topic, /*for_subscribe=*/false, stream, detail)) {
    gate.unlock();
    core::PendingPublish::finish(std::move(message), ec, {}, detail);
    return;
  }
  // Ownership passes to pending_ before nats.c can ack: on_ack may run before send returns.
  core::PendingPublish* in_flight = message.release();
  const natsStatus s = send(*in_flight, detail);
  if (s != NATS_OK) {  // never reached nats.c, so still ours
    gate.unlock();
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
  if (s == NATS_OK && !message.event_id.empty()) {
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
    const std::string detail = ack_error_detail(message->topic, *error);
    core::PendingPublish::finish(std::move(message), to_error(error->Err, error->ErrCode), {},
                                 detail);
    return;
  }
  const core::StoredAt where{ack != nullptr && ack->Stream ? ack->Stream : "", 0,
                             ack != nullptr ? static_cast<std::int64_t>(ack->Sequence) : -1};
  core::PendingPublish::finish(std::move(message), {}, where);
}

std::uint64_t NatsTransport::close(core::Deadline deadline) {
  {
    std::unique_lock gate(gate_);  // waits for publish calls under way
    if (closed_) return 0;
    closed_ = true;
    closing_ = true;
  }
  // 1. Give outstanding publishes until the deadline to be acked.
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = std::max(1, core::ms_left(deadline));  // 0 would mean nats.c's default
  js_PublishAsyncComplete(js_.get(), &po);
  // 2. What is still unacked completes as cancelled (outside js_mutex_, see take_pending).
  // 3. JetStream context before its connection; consumers hold the connection until their
  //    last delivery is gone.
  std::unique_lock js_lock(js_mutex_);
  auto unacked = take_pending();
  js_.reset();
  js_lock.unlock();
  const std::uint64_t cancelled = fail(std::move(unacked), make_error_code(errc::cancelled),
                                       "abandoned by close before the broker acked it");
  {
    std::lock_guard lock(consumers_mutex_);
    consumers_.clear();
  }
  std::shared_ptr<NatsConnection> connection;
  {
    std::lock_guard lock(consumers_mutex_);  // connection_health() may be reading it
    connection = std::move(connection_);
  }
  connection->close();
  connection.reset();
  if (options_.nats.close_library_on_close) nats_Close();
  return cancelled;
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

std::uint64_t NatsTransport::fail(std::vector<std::unique_ptr<core::PendingPublish>> publishes,
                                  std::error_code error, std::string_view detail) {
  for (auto& publish : publishes)
    core::PendingPublish::finish(std::move(publish), error, {}, detail);
  return publishes.size();
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
