// SPDX-License-Identifier: Apache-2.0
// Helpers of the Kafka-specific tests: bus options for a broker and a plain librdkafka client
// to look at what the bus put on the broker (records, committed offsets, topics) without going
// through the code under test. Topic and group names come from support/unique_name.hpp (prefix
// "kafka").
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "eventbus/eventbus.hpp"
#include "kafka/sarama_partition.hpp"
#include "support/broker_env.hpp"
#include "support/log_capture.hpp"
#include "support/unique_name.hpp"
#include "transport/kafka/kafka_handles.hpp"

namespace eventbus::testing {

using namespace std::chrono_literals;
using kafka::HandlePtr;

// The shared broker of the CTest fixture `kafka_broker`.
inline std::string fixture_brokers() {
  return broker_setting("EVENTBUS_KAFKA_BROKERS", "EVENTBUS_KAFKA_STATE");
}

// Options for a bus on `brokers`, tuned like the conformance suite's for one broker on 2 cores.
inline BusOptions kafka_bus_options(const std::string& brokers) {
  BusOptions options;
  options.transport = "kafka";
  options.kafka.brokers = brokers;
  options.kafka.linger = 1ms;
  options.kafka.session_timeout = 6000ms;
  options.kafka.heartbeat_interval = 500ms;
  return options;
}

// A librdkafka client of the test's own; throws when librdkafka refuses the configuration.
inline HandlePtr make_client(rd_kafka_type_t type, const std::string& brokers,
                             const std::map<std::string, std::string>& properties = {}) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  std::map<std::string, std::string> all = properties;
  all["bootstrap.servers"] = brokers;
  for (const auto& [name, value] : all) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(name + ": " + error);
    }
  }
  rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof error);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("rd_kafka_new: ") + error);
  }
  return HandlePtr(rk);
}

// The topic's partition count from a metadata request for *all* topics, which never makes the
// broker auto-create anything; nullopt when the topic does not exist.
inline std::optional<int> topic_partitions(const std::string& brokers, const std::string& topic) {
  HandlePtr client = make_client(RD_KAFKA_PRODUCER, brokers);
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(client.get(), 1, nullptr, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error("metadata request failed");
  }
  std::optional<int> count;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR)
      count = md->topics[i].partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return count;
}

// One record as the broker holds it.
struct RawRecord {
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::optional<std::string> key;  // nullopt: the record has no key at all
  std::string value;
  std::vector<std::pair<std::string, std::string>> headers;

  std::optional<std::string> header(const std::string& name) const {
    for (const auto& [n, v] : headers) {
      if (n == name) return v;
    }
    return std::nullopt;
  }
};

// Reads `topic` from the beginning of every partition (no group membership, no commits) until
// `want` records arrived or `timeout` passed; returns what it has.
inline std::vector<RawRecord> read_records(const std::string& brokers, const std::string& topic,
                                           std::size_t want, std::chrono::milliseconds timeout) {
  const std::optional<int> partitions = topic_partitions(brokers, topic);
  if (!partitions) throw std::runtime_error("no topic " + topic);
  HandlePtr consumer = make_client(RD_KAFKA_CONSUMER, brokers,
                                   {{"group.id", "raw-reader"}, {"enable.auto.commit", "false"}});
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(*partitions);
  for (int p = 0; p < *partitions; ++p)
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(consumer.get(), list);
  rd_kafka_topic_partition_list_destroy(list);
  std::vector<RawRecord> records;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (records.size() < want && std::chrono::steady_clock::now() < deadline) {
    kafka::MessagePtr m(rd_kafka_consumer_poll(consumer.get(), 100));
    if (!m || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    RawRecord r;
    r.partition = m->partition;
    r.offset = m->offset;
    if (m->key != nullptr) r.key.emplace(static_cast<const char*>(m->key), m->key_len);
    r.value.assign(static_cast<const char*>(m->payload), m->len);
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(m.get(), &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      for (size_t i = 0;
           rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++i) {
        r.headers.emplace_back(name, std::string(static_cast<const char*>(value), size));
      }
    }
    records.push_back(std::move(r));
  }
  rd_kafka_consumer_close(consumer.get());
  return records;
}

// The offset `group` has committed for the partition, or RD_KAFKA_OFFSET_INVALID (-1001) when
// it has committed none. Asks the group coordinator without joining the group.
inline std::int64_t committed_offset(const std::string& brokers, const std::string& group,
                                     const std::string& topic, std::int32_t partition) {
  HandlePtr consumer = make_client(RD_KAFKA_CONSUMER, brokers, {{"group.id", group}});
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
  const rd_kafka_resp_err_t err = rd_kafka_committed(consumer.get(), list, 10000);
  const std::int64_t offset = list->elems[0].offset;
  const rd_kafka_resp_err_t partition_err = list->elems[0].err;
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || partition_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(std::string("rd_kafka_committed: ") +
                             rd_kafka_err2str(err ? err : partition_err));
  }
  return offset;
}

// An envelope with trace id and a small JSON payload naming its aggregate and version.
inline Envelope kafka_test_envelope(const std::string& aggregate, std::int64_t version) {
  Envelope e = make_envelope(
      aggregate, "TestEvent", version,
      R"({"aggregate":")" + aggregate + R"(","version":)" + std::to_string(version) + "}");
  e.trace_id = "trace-" + aggregate;
  return e;
}

// Handlers of tests that use warm_up_partitions() skip events of this type.
inline constexpr const char* kWarmUpEventType = "WarmUp";

// Stores one envelope in every partition of `topic`, one at a time. The first batches produced
// to a brand-new partition can fail with NOT_LEADER while a later batch succeeds, and
// librdkafka 2.0.2 then "acks" the failed message without storing it; KafkaProducer reports
// that as a failure (see on_delivery). Tests that count every message start after this, once
// each partition's leader has taken a message.
inline void warm_up_partitions(Bus& bus, const std::string& topic, int partitions) {
  for (int p = 0; p < partitions; ++p) {
    std::string aggregate;
    for (int i = 0; sarama_partition(aggregate = "warm-up-" + std::to_string(i), partitions) != p;)
      ++i;
    OwnedPublishResult r;
    for (int attempt = 0; attempt < 3; ++attempt) {
      r = bus.publish_envelope_sync(topic, make_envelope(aggregate, kWarmUpEventType, 1, "{}"),
                                    20s);
      if (!r.error) break;
    }
    ASSERT_FALSE(r.error) << "warming up partition " << p << " of " << topic << ": " << r.detail;
    ASSERT_EQ(r.partition, p);
  }
}

}  // namespace eventbus::testing
