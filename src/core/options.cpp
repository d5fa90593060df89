// SPDX-License-Identifier: Apache-2.0
// Option checks that name the bad option, and the retry backoff curve.
#include "eventbus/options.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include "eventbus/error.hpp"

namespace eventbus {

milliseconds RetryPolicy::backoff_after(std::uint32_t attempt) const noexcept {
  double wait = static_cast<double>(initial_backoff.count());
  for (std::uint32_t i = 1; i < attempt && wait < static_cast<double>(max_backoff.count()); ++i) {
    wait *= multiplier;
  }
  if (wait >= static_cast<double>(max_backoff.count())) return max_backoff;
  return milliseconds{static_cast<milliseconds::rep>(std::llround(wait))};
}

namespace {

std::error_code bad(std::string* detail, const std::string& what) {
  if (detail != nullptr) *detail = what;
  return make_error_code(errc::invalid_option);
}

bool known_transport(const std::string& name) {
  return name == "memory" || name == "nats" || name == "kafka";
}

// A JetStream stream name: no '.', '*', '>', path separators or blanks (the server refuses them).
bool valid_stream_name(const std::string& name) {
  return !name.empty() && name.find_first_of(".*>/\\ \t\r\n") == std::string::npos;
}

// A NATS subject: tokens split by '.', none empty; '*' and '>' only as whole tokens, '>' last.
bool valid_subject(const std::string& subject) {
  if (subject.empty() || subject.find_first_of(" \t\r\n") != std::string::npos) return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = subject.find('.', start);
    const std::string token = subject.substr(start, dot == std::string::npos ? dot : dot - start);
    if (token.empty()) return false;
    if (token.size() > 1 && token.find_first_of("*>") != std::string::npos) return false;
    if (token == ">" && dot != std::string::npos) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

std::error_code validate_nats_streams(const NatsOptions& n, std::string* detail) {
  if (!n.stream_name.empty() && !valid_stream_name(n.stream_name)) {
    return bad(detail, "nats.stream_name: \"" + n.stream_name +
                           "\" is no stream name (no '.', '*', '>', '/', '\\' or blanks)");
  }
  if (n.stream_name.empty() && !n.stream_subjects.empty()) {
    return bad(detail, "nats.stream_subjects: given without nats.stream_name");
  }
  for (const auto& subject : n.stream_subjects) {
    if (!valid_subject(subject)) {
      return bad(detail, "nats.stream_subjects: \"" + subject + "\" is no NATS subject");
    }
  }
  return {};
}

std::error_code validate_nats(const NatsOptions& n, std::string* detail) {
  if (n.servers.empty()) return bad(detail, "nats.servers: empty");
  for (const auto& s : n.servers) {
    if (s.empty()) return bad(detail, "nats.servers: an empty URL");
  }
  if (n.max_reconnect < -1) return bad(detail, "nats.max_reconnect: below -1");
  const std::pair<const char*, milliseconds> positive[] = {
      {"nats.connect_timeout", n.connect_timeout}, {"nats.write_timeout", n.write_timeout},
      {"nats.ping_interval", n.ping_interval},     {"nats.api_timeout", n.api_timeout},
      {"nats.fetch_wait", n.fetch_wait},           {"nats.ack_wait", n.ack_wait}};
  for (const auto& [name, value] : positive) {
    if (value.count() <= 0) return bad(detail, std::string(name) + ": must be > 0");
  }
  if (n.reconnect_wait.count() < 0) return bad(detail, "nats.reconnect_wait: negative");
  if (n.reconnect_jitter.count() < 0) return bad(detail, "nats.reconnect_jitter: negative");
  if (n.reconnect_buffer_bytes < 0) return bad(detail, "nats.reconnect_buffer_bytes: negative");
  if (n.reconnect_buffer_bytes > std::numeric_limits<int>::max()) {  // nats.c takes an int
    return bad(detail, "nats.reconnect_buffer_bytes: more than nats.c takes (2 GiB - 1)");
  }
  if (n.fetch_batch <= 0) return bad(detail, "nats.fetch_batch: must be > 0");
  if (n.max_ack_pending <= 0) return bad(detail, "nats.max_ack_pending: must be > 0");
  if (n.max_waiting <= 0) return bad(detail, "nats.max_waiting: must be > 0");
  if (n.max_deliver == 0 || n.max_deliver < -1) {
    return bad(detail, "nats.max_deliver: must be -1 (unlimited) or > 0");
  }
  const int auth_methods =
      !n.user.empty() + !n.token.empty() + !n.nkey_seed_file.empty() + !n.credentials_file.empty();
  if (auth_methods > 1) {
    return bad(detail, "nats: set at most one of user, token, nkey_seed_file, credentials_file");
  }
  if (!n.nkey_seed_file.empty() && n.nkey_public.empty()) {
    return bad(detail, "nats.nkey_public: required with nats.nkey_seed_file");
  }
  if (n.tls.cert_file.empty() != n.tls.key_file.empty()) {
    return bad(detail, "nats.tls.cert_file/key_file: give both or neither");
  }
  return validate_nats_streams(n, detail);
}

// The security settings, each error naming the field but never the password's value.
std::error_code validate_kafka_security(const KafkaSecurityOptions& s, std::string* detail) {
  const bool sasl = s.protocol == "sasl_plaintext" || s.protocol == "sasl_ssl";
  const bool tls = s.protocol == "ssl" || s.protocol == "sasl_ssl";
  if (!sasl && !tls && s.protocol != "plaintext") {
    return bad(detail, "kafka.security.protocol: '" + s.protocol +
                           "' is not plaintext, ssl, sasl_plaintext or sasl_ssl");
  }
  if (sasl) {
    if (s.mechanism.empty()) {
      return bad(detail, "kafka.security.mechanism: required with protocol " + s.protocol +
                             " (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)");
    }
    if (s.mechanism != "PLAIN" && s.mechanism != "SCRAM-SHA-256" &&
        s.mechanism != "SCRAM-SHA-512") {
      return bad(detail, "kafka.security.mechanism: '" + s.mechanism +
                             "' is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
    }
    if (s.username.empty()) {
      return bad(detail, "kafka.security.username: required with protocol " + s.protocol);
    }
    if (s.password.empty()) {
      return bad(detail, "kafka.security.password: required with protocol " + s.protocol);
    }
  } else {
    // Credentials that would silently not be used are a mistake worth naming.
    if (!s.mechanism.empty()) {
      return bad(detail,
                 "kafka.security.mechanism: only with protocol sasl_plaintext or "
                 "sasl_ssl, not " +
                     s.protocol);
    }
    if (!s.username.empty() || !s.password.empty()) {
      return bad(detail,
                 "kafka.security.username/password: only with protocol sasl_plaintext "
                 "or sasl_ssl, not " +
                     s.protocol);
    }
  }
  if (!s.ca_file.empty()) {
    if (!tls) {
      return bad(detail,
                 "kafka.security.ca_file: only with protocol ssl or sasl_ssl, not " + s.protocol);
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(s.ca_file, ec)) {
      return bad(detail,
                 "kafka.security.ca_file: " + s.ca_file + " does not exist (or is no file)");
    }
  }
  return {};
}

std::error_code validate_kafka(const KafkaOptions& k, std::string* detail) {
  if (k.brokers.empty()) return bad(detail, "kafka.brokers: empty");
  if (std::error_code ec = validate_kafka_security(k.security, detail)) return ec;
  const std::pair<const char*, milliseconds> positive[] = {
      {"kafka.connect_timeout", k.connect_timeout},
      {"kafka.reconnect_backoff_max", k.reconnect_backoff_max},
      {"kafka.session_timeout", k.session_timeout},
      {"kafka.heartbeat_interval", k.heartbeat_interval},
      {"kafka.max_poll_interval", k.max_poll_interval},
      {"kafka.commit_interval", k.commit_interval},
      {"kafka.revoke_timeout", k.revoke_timeout},
      {"kafka.admin_timeout", k.admin_timeout}};
  for (const auto& [name, value] : positive) {
    if (value.count() <= 0) return bad(detail, std::string(name) + ": must be > 0");
  }
  if (k.linger.count() < 0) return bad(detail, "kafka.linger: negative");
  if (k.message_timeout.count() < 0) return bad(detail, "kafka.message_timeout: negative");
  if (k.heartbeat_interval >= k.session_timeout) {
    return bad(detail, "kafka.heartbeat_interval: must be less than kafka.session_timeout");
  }
  if (k.batch_size <= 0) return bad(detail, "kafka.batch_size: must be > 0");
  if (k.fetch_queue_kbytes <= 0) return bad(detail, "kafka.fetch_queue_kbytes: must be > 0");
  if (k.auto_offset_reset != "earliest" && k.auto_offset_reset != "latest") {
    return bad(detail,
               "kafka.auto_offset_reset: '" + k.auto_offset_reset + "' is not earliest or latest");
  }
  const char* strategies[] = {"auto", "cooperative-sticky", "range", "roundrobin",
                              "range,roundrobin"};
  if (std::find(std::begin(strategies), std::end(strategies), k.assignment_strategy) ==
      std::end(strategies)) {
    return bad(detail, "kafka.assignment_strategy: '" + k.assignment_strategy +
                           "' is not auto, cooperative-sticky, range, roundrobin or "
                           "range,roundrobin");
  }
  const char* codecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};
  if (std::find(std::begin(codecs), std::end(codecs), k.compression) == std::end(codecs)) {
    return bad(detail,
               "kafka.compression: '" + k.compression + "' is not none, gzip, snappy, lz4 or zstd");
  }
  return {};
}

std::error_code validate_health(const HeartbeatOptions& h, const MonitorOptions& m,
                                std::string* detail) {
  if (h.interval.count() <= 0) return bad(detail, "heartbeat.interval: must be > 0");
  if (h.timeout.count() <= 0) return bad(detail, "heartbeat.timeout: must be > 0");
  if ((h.publish || h.watch) && h.topic.empty()) return bad(detail, "heartbeat.topic: empty");
  if (h.warning_misses < 1 || h.error_misses <= h.warning_misses ||
      h.critical_misses <= h.error_misses) {
    return bad(detail,
               "heartbeat.warning_misses/error_misses/critical_misses: must be increasing from 1 "
               "(got " +
                   std::to_string(h.warning_misses) + "/" + std::to_string(h.error_misses) + "/" +
                   std::to_string(h.critical_misses) + ")");
  }
  const std::pair<const char*, milliseconds> non_negative[] = {
      {"monitor.interval", m.interval},
      {"monitor.lag_age", m.lag_age},
      {"monitor.ack_latency", m.ack_latency}};
  for (const auto& [name, value] : non_negative) {
    if (value.count() < 0) return bad(detail, std::string(name) + ": negative");
  }
  if (m.stall_after.count() <= 0) return bad(detail, "monitor.stall_after: must be > 0");
  if (m.lag_messages < 0) return bad(detail, "monitor.lag_messages: negative");
  return {};
}

// `name` is the option's path, e.g. "topics.orders.publish_rate_limit". A burst without a rate
// is no error: a topic may turn off a limit it inherits from topicDefaults by its rate alone.
std::error_code validate_rate(const RateLimit& limit, const std::string& name,
                              std::string* detail) {
  if (!(limit.per_second >= 0 && limit.per_second <= 1e9)) {  // NaN fails both
    return bad(detail, name + ".per_second: expected a number from 0 (unlimited) to 1e9, got " +
                           std::to_string(limit.per_second));
  }
  return {};
}

// The broker settings a user set. `name` is the option's path, e.g. "topics.orders".
std::error_code validate_topic_settings(const TopicOptions& t, const std::string& name,
                                        std::string* detail) {
  if (t.partitions && *t.partitions <= 0) return bad(detail, name + ".partitions: must be > 0");
  if (t.replicas && *t.replicas <= 0) return bad(detail, name + ".replicas: must be > 0");
  if (t.min_insync_replicas && *t.min_insync_replicas <= 0) {
    return bad(detail, name + ".min_insync_replicas: must be > 0");
  }
  if (t.min_insync_replicas && t.replicas && *t.min_insync_replicas > *t.replicas) {
    return bad(detail, name + ".min_insync_replicas: " + std::to_string(*t.min_insync_replicas) +
                           " is more than replicas (" + std::to_string(*t.replicas) +
                           "): no publish could ever be acked");
  }
  if (t.max_age && t.max_age->count() < 0) return bad(detail, name + ".max_age: negative");
  if (t.max_bytes && (*t.max_bytes == 0 || *t.max_bytes < -1)) {
    return bad(detail, name + ".max_bytes: must be -1 (unlimited) or > 0");
  }
  if (t.max_messages && (*t.max_messages == 0 || *t.max_messages < -1)) {
    return bad(detail, name + ".max_messages: must be -1 (unlimited) or > 0");
  }
  if (t.duplicate_window && t.duplicate_window->count() < 0) {
    return bad(detail, name + ".duplicate_window: negative");
  }
  if (!t.stream.empty() && !valid_stream_name(t.stream)) {
    return bad(detail, name + ".stream: \"" + t.stream +
                           "\" is no stream name (no '.', '*', '>', '/', '\\' or blanks)");
  }
  return {};
}

std::error_code validate_topic(const TopicOptions& topic, const std::string& name,
                               std::string* detail) {
  if (auto ec = validate_topic_settings(topic, name, detail)) return ec;
  if (auto ec = validate_rate(topic.publish_rate_limit, name + ".publish_rate_limit", detail)) {
    return ec;
  }
  return validate_rate(topic.handle_rate_limit, name + ".handle_rate_limit", detail);
}

std::error_code validate_rates(const BusOptions& o, std::string* detail) {
  if (auto ec = validate_rate(o.publish.rate_limit, "publish.rate_limit", detail)) return ec;
  if (auto ec = validate_rate(o.dispatch.rate_limit, "dispatch.rate_limit", detail)) return ec;
  if (auto ec = validate_topic(o.default_topic, "default_topic", detail)) return ec;
  for (const auto& [name, topic] : o.topics) {
    if (auto ec = validate_topic(topic, "topics." + name, detail)) return ec;
  }
  return {};
}

}  // namespace

std::error_code BusOptions::validate(std::string* detail) const {
  if (!known_transport(transport)) {
    if (detail != nullptr) *detail = "transport: '" + transport + "' is not memory, nats or kafka";
    return make_error_code(errc::unknown_transport);
  }
  if (group.empty()) return bad(detail, "group: must not be empty");
  if (publish.max_in_flight == 0) return bad(detail, "publish.max_in_flight: must be > 0");
  if (publish.block_timeout.count() < 0) return bad(detail, "publish.block_timeout: negative");
  if (publish.ack_timeout.count() <= 0) return bad(detail, "publish.ack_timeout: must be > 0");
  if (subscribe_timeout.count() <= 0) return bad(detail, "subscribe_timeout: must be > 0");
  if (dispatch.lanes == 0) return bad(detail, "dispatch.lanes: must be > 0");
  if (dispatch.workers == 0) return bad(detail, "dispatch.workers: must be > 0");
  if (dispatch.lane_capacity == 0) return bad(detail, "dispatch.lane_capacity: must be > 0");
  const RetryPolicy& retry = dispatch.retry;
  if (retry.max_attempts == 0) return bad(detail, "dispatch.retry.max_attempts: must be >= 1");
  if (retry.initial_backoff.count() < 0) {
    return bad(detail, "dispatch.retry.initial_backoff: negative");
  }
  if (retry.max_backoff < retry.initial_backoff) {
    return bad(detail, "dispatch.retry.max_backoff: smaller than initial_backoff");
  }
  if (retry.max_backoff > std::chrono::hours(24)) {
    return bad(detail, "dispatch.retry.max_backoff: more than 24 hours");
  }
  if (!(retry.multiplier >= 1.0)) return bad(detail, "dispatch.retry.multiplier: must be >= 1");
  if (memory.fetch_batch == 0) return bad(detail, "memory.fetch_batch: must be > 0");
  if (memory.max_message_bytes == 0) return bad(detail, "memory.max_message_bytes: must be > 0");
  if (close_timeout.count() < 0) return bad(detail, "close_timeout: negative");
  if (std::error_code ec = validate_health(heartbeat, monitor, detail)) return ec;
  if (std::error_code ec = validate_rates(*this, detail)) return ec;
  if (transport == "nats") return validate_nats(nats, detail);
  if (transport == "kafka") return validate_kafka(kafka, detail);
  return {};
}

#if !EVENTBUS_WITH_KAFKA
// With the Kafka transport, transport/kafka/kafka_config.cpp resolves "auto" for the librdkafka
// the process runs with; a build without it (EVENTBUS_WITH_KAFKA=OFF) has none to resolve for.
std::string resolved_assignment_strategy(const KafkaOptions& options) {
  return options.assignment_strategy;
}
#endif

}  // namespace eventbus
