// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_config.hpp"

#include <algorithm>
#include <map>

#include "eventbus/error.hpp"

namespace eventbus::kafka {
namespace {

// librdkafka's refusal text quotes a refused value ("Invalid value \"...\" for configuration
// property ..."); a value may be a password, so every occurrence of it is blanked out.
std::string without_value(std::string text, const std::string& value) {
  if (value.empty()) return text;
  for (auto at = text.find(value); at != std::string::npos; at = text.find(value, at + 3))
    text.replace(at, value.size(), "***");
  return text;
}

void set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) !=
      RD_KAFKA_CONF_OK) {
    // The value is left out: a property may be a password.
    throw std::system_error(make_error_code(errc::invalid_option),
                            "kafka property " + name + ": " + without_value(error, value));
  }
}

std::string ms(std::chrono::milliseconds d) {
  return std::to_string(d.count());
}

// Every client the bus makes goes through common(): one place for TLS and SASL. Only what is
// set is passed on, so librdkafka's own defaults stay for the rest.
void apply_security(rd_kafka_conf_t* conf, const KafkaSecurityOptions& s) {
  set(conf, "security.protocol", s.protocol);
  if (!s.mechanism.empty()) set(conf, "sasl.mechanisms", s.mechanism);
  if (!s.username.empty()) set(conf, "sasl.username", s.username);
  if (!s.password.empty()) set(conf, "sasl.password", s.password);
  if (!s.ca_file.empty()) set(conf, "ssl.ca.location", s.ca_file);
}

ConfPtr common(const BusOptions& options) {
  ConfPtr conf(rd_kafka_conf_new());
  set(conf.get(), "bootstrap.servers", options.kafka.brokers);
  set(conf.get(), "client.id", options.client_name);
  // Clear errors for a broker that is down, rather than librdkafka's silent retries.
  set(conf.get(), "socket.connection.setup.timeout.ms", "10000");
  set(conf.get(), "reconnect.backoff.max.ms", ms(options.kafka.reconnect_backoff_max));
  // health(): the producer's statistics tell whether a broker connection is up and how often
  // one dropped; with statistics on, a consumer also asks for the high watermark of partitions
  // it does not fetch (paused ones), which keeps their lag current.
  set(conf.get(), "statistics.interval.ms", "1000");
  apply_security(conf.get(), options.kafka.security);
  return conf;
}

void apply(rd_kafka_conf_t* conf, const std::map<std::string, std::string>& extra) {
  for (const auto& [name, value] : extra)
    set(conf, name, value);
}

}  // namespace

ConfPtr producer_config(const BusOptions& options) {
  const KafkaOptions& k = options.kafka;
  ConfPtr conf = common(options);
  set(conf.get(), "enable.idempotence", k.idempotent ? "true" : "false");
  set(conf.get(), "acks", "all");
  // sarama's hash partitioner: a key lands where a Go producer puts it (tested with vectors).
  set(conf.get(), "partitioner", "fnv1a_random");
  set(conf.get(), "compression.type", k.compression);
  set(conf.get(), "linger.ms", ms(k.linger));
  set(conf.get(), "batch.size", std::to_string(k.batch_size));
  const auto timeout =
      k.message_timeout.count() > 0 ? k.message_timeout : options.publish.ack_timeout;
  set(conf.get(), "message.timeout.ms", ms(timeout));
  // The bus bounds what is in flight; librdkafka's queue must hold at least that much, plus
  // room for dead letters, so a full local queue is never what refuses a message.
  const auto room = options.publish.max_in_flight + 1024;
  set(conf.get(), "queue.buffering.max.messages", std::to_string(room));
  set(conf.get(), "queue.buffering.max.kbytes", "1048576");
  apply(conf.get(), k.producer_properties);
  return conf;
}

ConfPtr consumer_config(const BusOptions& options, const std::string& group) {
  const KafkaOptions& k = options.kafka;
  ConfPtr conf = common(options);
  set(conf.get(), "group.id", group);
  set(conf.get(), "partition.assignment.strategy", resolved_assignment_strategy(k));
  set(conf.get(), "enable.auto.commit", "false");  // we commit the contiguous watermark
  set(conf.get(), "enable.auto.offset.store", "false");
  set(conf.get(), "auto.offset.reset", k.auto_offset_reset);
  set(conf.get(), "session.timeout.ms", ms(k.session_timeout));
  set(conf.get(), "heartbeat.interval.ms", ms(k.heartbeat_interval));
  set(conf.get(), "max.poll.interval.ms", ms(k.max_poll_interval));
  // rd_kafka_destroy of a consumer waits for its commits in flight, which a broker that stopped
  // answering fails only after socket.timeout.ms (60 s by default): close(2 s) took 60 s. Bound
  // it by the session timeout, which the in-flight heartbeat imposes anyway.
  set(conf.get(), "socket.timeout.ms",
      ms(std::max(k.session_timeout, std::chrono::milliseconds(2000))));
  set(conf.get(), "queued.max.messages.kbytes", std::to_string(k.fetch_queue_kbytes));
  // A subscribed topic that is not (yet) in the metadata is looked for again at this interval;
  // librdkafka's default of 5 minutes would leave it unread that long.
  set(conf.get(), "topic.metadata.refresh.interval.ms", "10000");
  apply(conf.get(), k.consumer_properties);
  return conf;
}

ConfPtr reader_config(const BusOptions& options, const std::string& group) {
  ConfPtr conf = consumer_config(options, group);
  set(conf.get(), "group.id", group);  // a group.id among the consumer properties is the bus's
  set(conf.get(), "enable.auto.commit", "false");  // a read commits only what it is asked to
  set(conf.get(), "enable.auto.offset.store", "false");
  // A consumer's metadata request for an assigned topic may otherwise let a broker with
  // auto.create.topics.enable create it: a read never changes the broker.
  set(conf.get(), "allow.auto.create.topics", "false");
  // The end of a partition (all of it read) comes as an event: a read without follow stops
  // there even when the last offsets before the high watermark hold no record (compaction,
  // transaction markers).
  set(conf.get(), "enable.partition.eof", "true");
  // A start offset that retention removed meanwhile starts at the oldest record held.
  set(conf.get(), "auto.offset.reset", "earliest");
  set(conf.get(), "statistics.interval.ms", "0");  // nobody reads them
  return conf;
}

std::error_code to_error(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return {};
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
      return make_error_code(errc::publish_timeout);
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
      return make_error_code(errc::cancelled);
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
      return make_error_code(errc::message_too_large);
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
      return make_error_code(errc::in_flight_limit);
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
      return make_error_code(errc::rejected);
    default:
      return make_error_code(errc::transport_error);
  }
}

}  // namespace eventbus::kafka

namespace eventbus {

std::string resolved_assignment_strategy(const KafkaOptions& k) {
  if (k.assignment_strategy != "auto") return k.assignment_strategy;
  // 2.10: the first release after the fix of librdkafka#4059 (PR #4908, merged 2025-03).
  constexpr int kCooperativeCommitsFixed = 0x020a0000;
  return rd_kafka_version() >= kCooperativeCommitsFixed ? "cooperative-sticky" : "range,roundrobin";
}

}  // namespace eventbus
