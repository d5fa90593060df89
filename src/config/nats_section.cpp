// SPDX-License-Identifier: Apache-2.0
// nats: servers, connection, auth, tls and jetstream (stream, consumer) -> NatsOptions, the
// default topic's stream settings and the bus's group.
#include "config/config_error.hpp"
#include "config/schema.hpp"
#include "config/value_reader.hpp"

namespace eventbus::config {
namespace {

using Node = YAML::Node;
using Path = std::string;

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

const Section& auth_section() {
  static const Section section{{
      {"user", "username", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) { s.bus().nats.user = read_string(v, p); }},
      {"password", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.password = read_string(v, p);
       }},
      {"token", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) { s.bus().nats.token = read_string(v, p); }},
      {"credentialsFile", "credFile", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.credentials_file = read_string(v, p);
       }},
      {"nkeyPublic", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.nkey_public = read_string(v, p);
       }},
      {"nkeySeedFile", "nkeyFile", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.nkey_seed_file = read_string(v, p);
       }},
  }};
  return section;
}

const Section& tls_section() {
  static const Section section{{
      {"enabled", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.tls.enabled = read_bool(v, p);
       }},
      {"caFile", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.tls.ca_file = read_string(v, p);
       }},
      {"certFile", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.tls.cert_file = read_string(v, p);
       }},
      {"keyFile", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.tls.key_file = read_string(v, p);
       }},
      {"expectedHostname", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.tls.expected_hostname = read_string(v, p);
       }},
  }};
  return section;
}

// ackWait and maxDeliver: under jetstream (the Go SDK) or jetstream.consumer, one of the two.
void read_ack_wait(const Node& v, const Path& p, ParseState& s) {
  s.claim("nats.jetstream.consumer.ackWait", p);
  s.bus().nats.ack_wait = read_positive_duration(v, p);
}

void read_max_deliver(const Node& v, const Path& p, ParseState& s) {
  s.claim("nats.jetstream.consumer.maxDeliver", p);
  const auto value = read_int(v, p, -1, kMaxInt64);
  if (value == 0) fail(p, "expected -1 (unlimited) or a count > 0, got 0");
  s.bus().nats.max_deliver = value;
}

const Section& consumer_section() {
  static const Section section{{
      {"durableName", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.claim("group", p);
         s.bus().group = read_string(v, p);
       }},
      {"ackWait", "", KeyKind::value, &read_ack_wait},
      {"maxDeliver", "", KeyKind::value, &read_max_deliver},
      {"messageId", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.message_id = read_bool(v, p);
       }},
      {"maxWaiting", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.max_waiting = read_int(v, p, 1, kMaxInt64);
       }},
      // The Go SDK's consumer policies, where this bus has one way of working: the values
      // that describe it are accepted, any other is refused saying why.
      {"deliverPolicy", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState&) {
         read_enum<int>(v, p, {{"all", 0}});
       }},
      {"ackPolicy", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState&) {
         read_enum<int>(v, p, {{"explicit", 0}});  // at-least-once needs an ack per message
       }},
      {"replayPolicy", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState&) {
         read_enum<int>(v, p, {{"instant", 0}});
       }},
      {"maxAckPending", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.max_ack_pending = read_int(v, p, 1, kMaxInt64);
       }},
      {"backoff", "", KeyKind::list,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.backoff = read_duration_list(v, p);
       }},
      {"fetchBatch", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.fetch_batch = static_cast<int>(read_int(v, p, 1));
       }},
      {"fetchWait", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.fetch_wait = read_positive_duration(v, p);
       }},
  }};
  return section;
}

const Section& jetstream_section() {
  static const Section section{{
      {"enabled", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState&) {
         // The Go SDK can fall back to core NATS (at most once); this bus always persists.
         if (!read_bool(v, p)) fail(p, "expected true: eventbus always uses JetStream");
       }},
      {"publishTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.claim("publisher.ackTimeout", p);
         s.bus().publish.ack_timeout = read_positive_duration(v, p);
       }},
      {"ackWait", "", KeyKind::value, &read_ack_wait},
      {"maxDeliver", "", KeyKind::value, &read_max_deliver},
      {"messageId", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.message_id = read_bool(v, p);
       }},
      {"domain", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.domain = read_string(v, p);
       }},
      {"apiTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.api_timeout = read_positive_duration(v, p);
       }},
      {"stream", "", KeyKind::section, nullptr, &jetstream_stream_section()},
      {"consumer", "", KeyKind::section, nullptr, &consumer_section()},
  }};
  return section;
}

}  // namespace

const Section& nats_section() {
  static const Section section{{
      {"urls", "servers", KeyKind::list,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.servers = read_string_list(v, p);
       }},
      {"name", "clientId", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) { s.bus().nats.name = read_string(v, p); }},
      {"maxReconnects", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.max_reconnect = static_cast<int>(read_int(v, p, -1));
       }},
      {"reconnectWait", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.reconnect_wait = read_duration(v, p);
       }},
      {"reconnectJitter", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.reconnect_jitter = read_duration(v, p);
       }},
      {"reconnectBufferSize", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.reconnect_buffer_bytes = read_byte_size(v, p, /*allow_unlimited=*/false);
       }},
      {"pingInterval", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.ping_interval = read_positive_duration(v, p);
       }},
      {"maxPingsOut", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.max_pings_out = static_cast<int>(read_int(v, p, 1));
       }},
      {"connectionTimeout", "connectTimeout", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.connect_timeout = read_positive_duration(v, p);
       }},
      {"retryOnFailedConnect", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.retry_on_failed_connect = read_bool(v, p);
       }},
      {"writeTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.write_timeout = read_positive_duration(v, p);
       }},
      {"sendAsap", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.send_asap = read_bool(v, p);
       }},
      {"closeLibraryOnClose", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().nats.close_library_on_close = read_bool(v, p);
       }},
      {"auth", "", KeyKind::section, nullptr, &auth_section()},
      {"tls", "", KeyKind::section, nullptr, &tls_section()},
      {"jetstream", "", KeyKind::section, nullptr, &jetstream_section()},
  }};
  return section;
}

}  // namespace eventbus::config
