// SPDX-License-Identifier: Apache-2.0
/// @file
/// Options of the NATS JetStream transport. Every field states its default and what 0 means.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace eventbus {

/// TLS to the NATS servers (NatsOptions::tls).
struct NatsTlsOptions {
  bool enabled = false;           ///< also on when a server URL is tls://
  std::string ca_file;            ///< trusted CAs (PEM); empty: the system's
  std::string cert_file;          ///< client certificate (PEM), with key_file, for mutual TLS
  std::string key_file;           ///< the client certificate's private key (PEM)
  std::string expected_hostname;  ///< overrides the name checked in the server's certificate
};

/// Options of the NATS JetStream transport (BusOptions::nats).
struct NatsOptions {
  std::vector<std::string> servers{"nats://127.0.0.1:4222"};  ///< the servers' URLs
  std::string name;  ///< connection name shown by the server; empty: BusOptions::client_name

  /// @name Reconnect and liveness
  ///@{
  int max_reconnect = 60;  ///< -1: forever; 0: never (a lost connection is closed for good)
  std::chrono::milliseconds reconnect_wait{2000};   ///< between attempts; 0: at once
  std::chrono::milliseconds reconnect_jitter{100};  ///< random extra wait; 0: none
  std::int64_t reconnect_buffer_bytes = 8 << 20;    ///< publishes kept while reconnecting; 0: none
  std::chrono::milliseconds ping_interval{20000};   ///< must be > 0
  int max_pings_out = 2;                            ///< unanswered pings before reconnecting; > 0
  /// One connection attempt at all the servers together (the constructor's bound); > 0.
  std::chrono::milliseconds connect_timeout{2000};
  bool retry_on_failed_connect = false;  ///< true: start without a server, connect when it appears
  /// A write that cannot finish in this time fails the connection, which then reconnects,
  /// instead of blocking the publisher (the "write i/o timeout" of the Go SDK). Must be > 0.
  std::chrono::milliseconds write_timeout{2000};
  /// true: flush every message at once (lowest latency); false: let nats.c coalesce writes
  /// for up to ~1 ms (about twice the bulk throughput, see docs/client-facts.md).
  bool send_asap = false;
  ///@}

  /// @name Authentication
  /// At most one of user/password, token, nkey seed file, credentials file.
  ///@{
  std::string user;              ///< user name, with password
  std::string password;          ///< never logged
  std::string token;             ///< never logged
  std::string nkey_public;       ///< the user's public NKey ("U..."), with nkey_seed_file
  std::string nkey_seed_file;    ///< file holding the NKey seed that signs the server's nonce
  std::string credentials_file;  ///< a .creds file: the user's JWT and NKey seed
  NatsTlsOptions tls;            ///< TLS, and the client certificate for mutual TLS
  ///@}

  /// @name JetStream
  ///@{
  std::string domain;                           ///< JetStream domain; empty: none
  std::chrono::milliseconds api_timeout{5000};  ///< each stream/consumer API call; must be > 0
  /// Which stream a topic goes to when the server has no stream carrying its subject yet (a
  /// stream that carries it is always used, whoever made it). The Go SDK's layout, set from its
  /// configuration keys nats.jetstream.stream.name / subjects: a topic one of `stream_subjects`
  /// matches goes to stream `stream_name`, created with all of `stream_subjects`; any other topic
  /// to a stream of its own, "<stream_name>_<topic with '.' as '_'>". Empty stream_name: each
  /// topic gets a stream of its own named "EB_<topic>" ('.' as "_d", '_' as "_u").
  std::string stream_name;
  std::vector<std::string> stream_subjects;  ///< may hold wildcards: "orders.>", "audit.*"
  /// Nats-Msg-Id = the event id on every envelope published: a stream drops an event published
  /// again (an application or outbox retrying after a timeout) within its duplicate window.
  /// It costs the client a header per message and the server a de-duplication entry: about a
  /// quarter of the NATS throughput on a 2-core machine (docs/nats-consumption.md). false: no
  /// header, and an event published twice is stored twice.
  bool message_id = true;
  /// Messages per pull request. The bus keeps a request open whenever no more than half a batch
  /// is still owed, so at most 1.5 batches are on their way per subscription. Must be > 0.
  int fetch_batch = 256;
  /// How long a pull request stays open on a server with nothing to send. The server sends an
  /// idle heartbeat every half of it; a subscription that hears nothing for this long takes its
  /// requests as lost, counts them (PartitionLag::lost_pull_requests) and asks again. Must be > 0.
  std::chrono::milliseconds fetch_wait{5000};
  std::chrono::milliseconds ack_wait{30000};  ///< consumer AckWait; must be > 0
  std::int64_t max_ack_pending = 4096;        ///< consumer MaxAckPending: unacked per consumer; > 0
  std::int64_t max_deliver = -1;              ///< consumer MaxDeliver; -1: unlimited
  std::int64_t max_waiting = 512;             ///< consumer MaxWaiting: pull requests kept open; > 0
  std::vector<std::chrono::milliseconds> backoff;  ///< consumer BackOff; empty: AckWait each time
  ///@}

  /// Only when this bus is the one user of nats.c in the process: nats_Close() on close,
  /// which also ends nats.c's 3 process-wide threads.
  bool close_library_on_close = false;
};

}  // namespace eventbus
