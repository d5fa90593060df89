// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/nats_connection.hpp"

#include <algorithm>
#include <iterator>
#include <vector>

#include "eventbus/error.hpp"
#include "transport/nats/nats_status.hpp"

namespace eventbus::nats {
namespace {

std::int64_t ms(std::chrono::milliseconds d) {
  return static_cast<std::int64_t>(d.count());
}

std::string server_list(const std::vector<std::string>& servers) {
  std::string text;
  for (const auto& s : servers)
    text += (text.empty() ? "" : ",") + redact_url(s);
  return text;
}

void apply_auth(natsOptions* o, const NatsOptions& n) {
  if (!n.user.empty()) {
    check(natsOptions_SetUserInfo(o, n.user.c_str(), n.password.c_str()), "nats.user/password");
  }
  if (!n.token.empty()) check(natsOptions_SetToken(o, n.token.c_str()), "nats.token");
  if (!n.nkey_seed_file.empty()) {
    check(natsOptions_SetNKeyFromSeed(o, n.nkey_public.c_str(), n.nkey_seed_file.c_str()),
          "nats.nkey_seed_file");
  }
  if (!n.credentials_file.empty()) {
    check(natsOptions_SetUserCredentialsFromFiles(o, n.credentials_file.c_str(), nullptr),
          "nats.credentials_file");
  }
}

void apply_tls(natsOptions* o, const NatsTlsOptions& tls) {
  if (!tls.enabled) return;
  check(natsOptions_SetSecure(o, true), "nats.tls.enabled");
  if (!tls.ca_file.empty()) {
    check(natsOptions_LoadCATrustedCertificates(o, tls.ca_file.c_str()), "nats.tls.ca_file");
  }
  if (!tls.cert_file.empty() || !tls.key_file.empty()) {
    check(natsOptions_LoadCertificatesChain(o, tls.cert_file.c_str(), tls.key_file.c_str()),
          "nats.tls.cert_file/key_file");
  }
  if (!tls.expected_hostname.empty()) {
    check(natsOptions_SetExpectedHostname(o, tls.expected_hostname.c_str()),
          "nats.tls.expected_hostname");
  }
}

// A server that verifies client certificates closes the connection after the handshake (TLS
// 1.3 reports the refusal late), which nats.c only sees as a protocol error: say what may help.
std::string client_certificate_hint(const NatsOptions& n, natsStatus s) {
  bool tls = n.tls.enabled;
  for (const auto& url : n.servers)
    tls = tls || url.rfind("tls://", 0) == 0;
  const bool closed = s == NATS_PROTOCOL_ERROR || s == NATS_CONNECTION_CLOSED || s == NATS_IO_ERROR;
  if (!tls || !n.tls.cert_file.empty() || !closed) return "";
  return " (the server closed the TLS connection; if it verifies clients, set nats.tls.cert_file "
         "and nats.tls.key_file)";
}

}  // namespace

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = scheme == std::string::npos ? 0 : scheme + 3;
  // The last '@', as nats.c parses it: a password may hold an '@' of its own, and cutting at
  // the first one would show the rest of that password.
  const auto at = url.rfind('@');
  if (at == std::string::npos || at < start) return url;
  return url.substr(0, start) + url.substr(at + 1);
}

NatsConnection::NatsConnection(const BusOptions& options, core::LogPtr log,
                               std::function<void()> lost)
    : log_(std::move(log)), lost_(std::move(lost)) {
  const NatsOptions& n = options.nats;
  name_ = n.name.empty() ? options.client_name : n.name;
  natsOptions* raw = nullptr;
  check(natsOptions_Create(&raw), "nats: options");
  OptionsPtr o(raw);
  std::vector<const char*> urls;
  for (const auto& s : n.servers)
    urls.push_back(s.c_str());
  check(natsOptions_SetServers(o.get(), urls.data(), static_cast<int>(urls.size())),
        "nats.servers");
  check(natsOptions_SetName(o.get(), name_.c_str()), "nats.name");
  check(natsOptions_SetMaxReconnect(o.get(), n.max_reconnect), "nats.max_reconnect");
  check(natsOptions_SetReconnectWait(o.get(), ms(n.reconnect_wait)), "nats.reconnect_wait");
  check(natsOptions_SetReconnectJitter(o.get(), ms(n.reconnect_jitter), ms(n.reconnect_jitter)),
        "nats.reconnect_jitter");
  check(natsOptions_SetReconnectBufSize(o.get(), static_cast<int>(n.reconnect_buffer_bytes)),
        "nats.reconnect_buffer_bytes");
  check(natsOptions_SetPingInterval(o.get(), ms(n.ping_interval)), "nats.ping_interval");
  check(natsOptions_SetMaxPingsOut(o.get(), n.max_pings_out), "nats.max_pings_out");
  // nats.connect_timeout bounds one attempt at all the servers, as the constructor promises.
  const auto per_server = std::max<std::int64_t>(
      1, ms(n.connect_timeout) /
             static_cast<std::int64_t>(std::max<std::size_t>(1, n.servers.size())));
  check(natsOptions_SetTimeout(o.get(), per_server), "nats.connect_timeout");
  check(natsOptions_SetWriteDeadline(o.get(), ms(n.write_timeout)), "nats.write_timeout");
  check(natsOptions_SetSendAsap(o.get(), n.send_asap), "nats.send_asap");
  check(natsOptions_SetReconnectedCB(o.get(), &on_reconnected, this), "nats: reconnect handler");
  check(natsOptions_SetDisconnectedCB(o.get(), &on_disconnected, this), "nats: disconnect handler");
  check(natsOptions_SetErrorHandler(o.get(), &on_async_error, this), "nats: error handler");
  check(natsOptions_SetClosedCB(o.get(), &on_closed, this), "nats: closed handler");
  apply_auth(o.get(), n);
  apply_tls(o.get(), n.tls);
  options_ = std::move(o);
  servers_ = server_list(n.servers);
  nats_ = n;
}

// Not nats.c's own retry_on_failed_connect: in nats.c 3.4.1 a first attempt that reaches a
// server which then does not answer the handshake (frozen, not dead) closes the connection for
// good ("no server left to reconnect to"), and its attempts block the caller for the connect
// timeout anyway. NatsTransport repeats this call on a thread of its own instead.
std::error_code NatsConnection::connect(std::string& detail) {
  natsConnection* nc = nullptr;
  const natsStatus s = natsConnection_Connect(&nc, options_.get());
  if (s != NATS_OK) {
    natsConnection_Destroy(nc);  // nats.c sets it only when it made one
    // Refused, timed out or unreachable alike: the broker cannot be reached.
    detail = describe("nats: connect to " + servers_, s) + client_certificate_hint(nats_, s);
    return make_error_code(errc::transport_error);
  }
  {
    std::lock_guard lock(mutex_);
    closed_ = false;  // a connection now exists: its closed callback will come
  }
  connection_.reset(nc);
  current_.store(nc, std::memory_order_release);
  if (closing_.load()) {  // close() came while we connected
    close();
    detail = "nats: closed while connecting";
    return make_error_code(errc::closed);
  }
  return {};
}

NatsConnection::~NatsConnection() {
  close();
}

bool NatsConnection::connected() const noexcept {
  natsConnection* nc = get();
  return nc != nullptr && natsConnection_Status(nc) == NATS_CONN_STATUS_CONNECTED;
}

void NatsConnection::close() noexcept {
  closing_.store(true);  // also stops a connect() under way from keeping what it makes
  if (get() == nullptr) return;
  natsConnection_Close(connection_.get());  // idempotent in nats.c; joins the reader thread
  {
    std::unique_lock lock(mutex_);
    // Bounded: the callback thread only has to run the callbacks queued before this one.
    closed_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return closed_; });
  }
  std::vector<Parked> parked;
  {
    std::lock_guard lock(parked_mutex_);
    parked.swap(parked_);
  }
}

natsStatus NatsConnection::request(std::string_view subject, std::string_view body,
                                   std::chrono::milliseconds timeout, MessagePtr& reply) const {
  natsConnection* nc = get();
  if (nc == nullptr) return NATS_NOT_YET_CONNECTED;
  natsInbox* raw_inbox = nullptr;
  natsStatus s = natsInbox_Create(&raw_inbox);
  if (s != NATS_OK) return s;
  const std::string inbox(raw_inbox);
  natsInbox_Destroy(raw_inbox);
  natsSubscription* raw_sub = nullptr;
  s = natsConnection_SubscribeSync(&raw_sub, nc, inbox.c_str());
  if (s != NATS_OK) return s;
  SubscriptionPtr subscription(raw_sub);
  const std::string to(subject);
  s = natsConnection_PublishRequest(nc, to.c_str(), inbox.c_str(), body.data(),
                                    static_cast<int>(body.size()));
  natsMsg* answer = nullptr;
  if (s == NATS_OK) {
    s = natsSubscription_NextMsg(&answer, subscription.get(),
                                 std::max<std::int64_t>(1, timeout.count()));
  }
  reply.reset(answer);
  natsSubscription_Unsubscribe(subscription.get());
  // Answered: the reader let go of the subscription before we could take its message.
  if (s == NATS_OK) return s;
  park(std::move(subscription));
  return s;
}

void NatsConnection::park(SubscriptionPtr subscription) const {
  if (!subscription) return;
  natsSubscription_Unsubscribe(subscription.get());
  const auto now = std::chrono::steady_clock::now();
  std::vector<Parked> expired;
  std::lock_guard lock(parked_mutex_);
  auto keep = std::partition(parked_.begin(), parked_.end(), [&](const Parked& p) {
    return now - p.since < std::chrono::seconds(10);
  });
  std::move(keep, parked_.end(), std::back_inserter(expired));  // freed after the lock
  parked_.erase(keep, parked_.end());
  parked_.push_back({std::move(subscription), now});
}

void NatsConnection::on_closed(natsConnection*, void* self) noexcept {
  auto* me = static_cast<NatsConnection*>(self);
  if (!me->closing_.load() && me->lost_) {
    me->log_->error("nats", "connection '{}' closed: no server left to reconnect to", me->name_);
    me->lost_();
  }
  std::lock_guard lock(me->mutex_);
  me->closed_ = true;
  me->closed_cv_.notify_all();
}

void NatsConnection::on_reconnected(natsConnection*, void* self) noexcept {
  auto* me = static_cast<NatsConnection*>(self);
  me->reconnects_.fetch_add(1);
  me->log_->info("nats", "connection '{}' reconnected", me->name_);
}

void NatsConnection::on_disconnected(natsConnection*, void* self) noexcept {
  auto* me = static_cast<NatsConnection*>(self);
  if (!me->closing_.load()) me->log_->warn("nats", "connection '{}' lost, reconnecting", me->name_);
}

void NatsConnection::on_async_error(natsConnection*, natsSubscription*, natsStatus status,
                                    void* self) noexcept {
  auto* me = static_cast<NatsConnection*>(self);
  me->log_->error("nats", "connection '{}': {}", me->name_, natsStatus_GetText(status));
}

}  // namespace eventbus::nats
