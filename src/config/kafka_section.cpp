// SPDX-License-Identifier: Apache-2.0
// kafka: brokers, producer, consumer, security, adminTimeout, connectTimeout,
// retryOnFailedConnect, reconnectBackoffMax -> KafkaOptions (and the bus's group).
#include "config/config_error.hpp"
#include "config/schema.hpp"
#include "config/value_reader.hpp"

namespace eventbus::config {
namespace {

using Node = YAML::Node;
using Path = std::string;

// librdkafka's bound of queued.max.messages.kbytes.
constexpr std::int64_t kMaxFetchQueueKbytes = 2097151;

const Section& producer_section() {
  static const Section section{{
      {"idempotent", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.idempotent = read_bool(v, p);
       }},
      {"compression", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.compression = read_enum<std::string_view>(v, p,
                                                                 {{"none", "none"},
                                                                  {"gzip", "gzip"},
                                                                  {"snappy", "snappy"},
                                                                  {"lz4", "lz4"},
                                                                  {"zstd", "zstd"}});
       }},
      {"linger", "flushFrequency", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.linger = read_duration(v, p);
       }},
      {"batchSize", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         const auto bytes = read_byte_size(v, p, /*allow_unlimited=*/false);
         if (bytes < 1 || bytes > std::numeric_limits<std::int32_t>::max()) {
           fail(p, "expected a size from 1 byte to 2GiB-1, got " + describe(v));
         }
         s.bus().kafka.batch_size = static_cast<std::int32_t>(bytes);
       }},
      {"messageTimeout", "timeout", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.message_timeout = read_duration(v, p);
       }},
      {"properties", "", KeyKind::mapping,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.producer_properties = read_string_map(v, p);
       }},
  }};
  return section;
}

const Section& consumer_section() {
  static const Section section{{
      {"groupId", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.claim("group", p);
         s.bus().group = read_string(v, p);
       }},
      {"sessionTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.session_timeout = read_positive_duration(v, p);
       }},
      {"heartbeatInterval", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.heartbeat_interval = read_positive_duration(v, p);
       }},
      {"maxPollInterval", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.max_poll_interval = read_positive_duration(v, p);
       }},
      {"commitInterval", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.commit_interval = read_positive_duration(v, p);
       }},
      {"revokeTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.revoke_timeout = read_duration(v, p);
       }},
      {"autoOffsetReset", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.auto_offset_reset =
             read_enum<std::string_view>(v, p, {{"earliest", "earliest"}, {"latest", "latest"}});
       }},
      {"assignmentStrategy", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.assignment_strategy =
             read_enum<std::string_view>(v, p,
                                         {{"auto", "auto"},
                                          {"cooperative-sticky", "cooperative-sticky"},
                                          {"range", "range"},
                                          {"roundrobin", "roundrobin"},
                                          {"range,roundrobin", "range,roundrobin"}});
       }},
      {"fetchQueueSize", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         // librdkafka counts this bound in KiB; round up so a small size is not 0.
         const auto kbytes = (read_byte_size(v, p, /*allow_unlimited=*/false) + 1023) / 1024;
         if (kbytes < 1 || kbytes > kMaxFetchQueueKbytes) {
           fail(p, "expected a size from 1KiB to 2GiB, got " + describe(v));
         }
         s.bus().kafka.fetch_queue_kbytes = static_cast<std::int32_t>(kbytes);
       }},
      {"properties", "", KeyKind::mapping,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.consumer_properties = read_string_map(v, p);
       }},
  }};
  return section;
}

// The values are checked by BusOptions::validate() (names in the spelling librdkafka takes), so
// a variable EVENTBUS_KAFKA_SECURITY_* goes through the same checks as the file.
const Section& security_section() {
  static const Section section{{
      {"protocol", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.security.protocol =
             read_enum<std::string_view>(v, p,
                                         {{"plaintext", "plaintext"},
                                          {"ssl", "ssl"},
                                          {"sasl_plaintext", "sasl_plaintext"},
                                          {"sasl_ssl", "sasl_ssl"}});
       }},
      {"mechanism", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.security.mechanism =
             read_enum<std::string_view>(v, p,
                                         {{"PLAIN", "PLAIN"},
                                          {"SCRAM-SHA-256", "SCRAM-SHA-256"},
                                          {"SCRAM-SHA-512", "SCRAM-SHA-512"}});
       }},
      {"username", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.security.username = read_string(v, p);
       }},
      {"password", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.security.password = read_string(v, p);
       }},
      {"caFile", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.security.ca_file = read_string(v, p);
       }},
  }};
  return section;
}

}  // namespace

const Section& kafka_section() {
  static const Section section{{
      {"brokers", "", KeyKind::list,
       [](const Node& v, const Path& p, ParseState& s) {
         std::string joined;
         for (const auto& broker : read_string_list(v, p))
           joined += (joined.empty() ? "" : ",") + broker;
         s.bus().kafka.brokers = joined;
       }},
      {"producer", "", KeyKind::section, nullptr, &producer_section()},
      {"consumer", "", KeyKind::section, nullptr, &consumer_section()},
      {"security", "", KeyKind::section, nullptr, &security_section()},
      {"adminTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.admin_timeout = read_positive_duration(v, p);
       }},
      {"connectTimeout", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.connect_timeout = read_positive_duration(v, p);
       }},
      {"retryOnFailedConnect", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.retry_on_failed_connect = read_bool(v, p);
       }},
      {"reconnectBackoffMax", "", KeyKind::value,
       [](const Node& v, const Path& p, ParseState& s) {
         s.bus().kafka.reconnect_backoff_max = read_positive_duration(v, p);
       }},
  }};
  return section;
}

}  // namespace eventbus::config
