#include "transport/nats/nats_connection.hpp"

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
  check(natsOptions_SetTimeout(o.get(), ms(n.connect_timeout)), "nats.connect_timeout");
  check(natsOptions_SetWriteDeadline(o.get(), ms(n.write_timeout)), "nats.write_timeout");
  check(natsOptions_SetSendAsap(o.get(), n.send_asap), "nats.send_asap");
  // With a callback, nats.c returns NATS_NOT_YET_CONNECTED at once and connects in the
  // background; without one it retries inside natsConnection_Connect, max_reconnect times
  // (forever with -1): the bus's constructor hung until the server came.
  check(
      natsOptions_SetRetryOnFailedConnect(o.get(), n.retry_on_failed_connect, &on_connected, this),
      "nats.retry_on_failed_connect");
  check(natsOptions_SetReconnectedCB(o.get(), &on_reconnected, this), "nats: reconnect handler");
  check(natsOptions_SetDisconnectedCB(o.get(), &on_disconnected, this), "nats: disconnect handler");
  check(natsOptions_SetErrorHandler(o.get(), &on_async_error, this), "nats: error handler");
  check(natsOptions_SetClosedCB(o.get(), &on_closed, this), "nats: closed handler");
  apply_auth(o.get(), n);
  apply_tls(o.get(), n.tls);

  natsConnection* nc = nullptr;
  const natsStatus s = natsConnection_Connect(&nc, o.get());
  connection_.reset(nc);  // ours whatever the status: nats.c sets it only when it made one
  if (s == NATS_NOT_YET_CONNECTED) return;  // retry_on_failed_connect: connects in background
  if (s != NATS_OK) {
    closed_ = true;  // no connection was made, so no callback will come
    throw std::system_error(to_error(s), describe("nats: connect to " + server_list(n.servers), s) +
                                             client_certificate_hint(n, s));
  }
}

NatsConnection::~NatsConnection() {
  close();
}

bool NatsConnection::connected() const noexcept {
  return natsConnection_Status(connection_.get()) == NATS_CONN_STATUS_CONNECTED;
}

void NatsConnection::close() noexcept {
  if (!connection_) return;
  closing_.store(true);
  natsConnection_Close(connection_.get());  // idempotent in nats.c
  std::unique_lock lock(mutex_);
  // Bounded: the callback thread only has to run the callbacks queued before this one.
  closed_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return closed_; });
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

void NatsConnection::on_connected(natsConnection*, void* self) noexcept {
  auto* me = static_cast<NatsConnection*>(self);
  me->log_->info("nats", "connection '{}' connected (it started without a server)", me->name_);
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
