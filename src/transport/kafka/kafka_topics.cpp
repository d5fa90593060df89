// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_topics.hpp"

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "eventbus/error.hpp"
#include "transport/kafka/kafka_config.hpp"
#include "transport/kafka/kafka_handles.hpp"
#include "transport/kafka/kafka_topic_config.hpp"

namespace eventbus::kafka {
namespace {

struct NewTopicFree {
  void operator()(rd_kafka_NewTopic_t* p) const noexcept { rd_kafka_NewTopic_destroy(p); }
};
struct NewPartitionsFree {
  void operator()(rd_kafka_NewPartitions_t* p) const noexcept { rd_kafka_NewPartitions_destroy(p); }
};

std::error_code failed(std::string& detail, std::string what, errc code = errc::transport_error) {
  detail = std::move(what);
  return make_error_code(code);
}

// Waits for the one result event of an admin call and returns the topic's error.
rd_kafka_resp_err_t await_topic_result(rd_kafka_queue_t* queue, int timeout_ms, bool create,
                                       std::string& text) {
  EventPtr event(rd_kafka_queue_poll(queue, timeout_ms));
  if (!event) {
    text = "no answer from the broker in time";
    return RD_KAFKA_RESP_ERR__TIMED_OUT;
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    text = rd_kafka_event_error_string(event.get());
    return rd_kafka_event_error(event.get());
  }
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      create ? rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event.get()),
                                                   &count)
             : rd_kafka_CreatePartitions_result_topics(
                   rd_kafka_event_CreatePartitions_result(event.get()), &count);
  if (count == 0) return RD_KAFKA_RESP_ERR_NO_ERROR;
  const rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[0]);
  if (const char* s = rd_kafka_topic_result_error_string(results[0])) text = s;
  return err;
}

// The topic configuration settings set in `t` (retention, min.insync.replicas): option name,
// Kafka key, asked value. A topic the bus creates gets them; an existing one is compared or
// changed in these only.
struct Asked {
  const char* name;
  const char* key;
  std::string value;
};
std::vector<Asked> configs_asked(const TopicOptions& t) {
  std::vector<Asked> out;
  // Kafka's "forever" is -1; the options say 0 (max_age) and -1 (max_bytes).
  if (t.max_age) {
    out.push_back({"max_age", "retention.ms",
                   t.max_age->count() > 0 ? std::to_string(t.max_age->count()) : "-1"});
  }
  if (t.max_bytes) out.push_back({"max_bytes", "retention.bytes", std::to_string(*t.max_bytes)});
  if (t.min_insync_replicas) {
    out.push_back(
        {"min_insync_replicas", "min.insync.replicas", std::to_string(*t.min_insync_replicas)});
  }
  return out;
}

rd_kafka_resp_err_t create(rd_kafka_t* rk, const std::string& topic, const TopicOptions& t,
                           const KafkaOptions& k, std::string& text) {
  char error[512];
  std::unique_ptr<rd_kafka_NewTopic_t, NewTopicFree> nt(rd_kafka_NewTopic_new(
      topic.c_str(), t.partitions.value_or(TopicOptions::kDefaultPartitions),
      t.replicas.value_or(TopicOptions::kDefaultReplicas), error, sizeof error));
  if (!nt) {
    text = error;
    return RD_KAFKA_RESP_ERR__INVALID_ARG;
  }
  // Not given, the broker's defaults apply (log.retention.*, min.insync.replicas); max_bytes -1
  // (unlimited) leaves log.retention.bytes to the broker too.
  for (const auto& [name, key, asked] : configs_asked(t)) {
    if (std::string_view(key) == "retention.bytes" && asked == "-1") continue;
    rd_kafka_NewTopic_set_config(nt.get(), key, asked.c_str());
  }
  if (k.compression != "none") {
    rd_kafka_NewTopic_set_config(nt.get(), "compression.type", k.compression.c_str());
  }
  QueuePtr queue(rd_kafka_queue_new(rk));
  rd_kafka_NewTopic_t* topics[] = {nt.get()};
  rd_kafka_CreateTopics(rk, topics, 1, nullptr, queue.get());
  return await_topic_result(queue.get(), static_cast<int>(k.admin_timeout.count()), true, text);
}

rd_kafka_resp_err_t grow(rd_kafka_t* rk, const std::string& topic, int partitions,
                         const KafkaOptions& k, std::string& text) {
  char error[512];
  std::unique_ptr<rd_kafka_NewPartitions_t, NewPartitionsFree> np(rd_kafka_NewPartitions_new(
      topic.c_str(), static_cast<size_t>(partitions), error, sizeof error));
  QueuePtr queue(rd_kafka_queue_new(rk));
  rd_kafka_NewPartitions_t* list[] = {np.get()};
  rd_kafka_CreatePartitions(rk, list, 1, nullptr, queue.get());
  return await_topic_result(queue.get(), static_cast<int>(k.admin_timeout.count()), false, text);
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : "; ") + item;
  return text;
}

}  // namespace

// Asks for the metadata of *all* topics. A request naming the topic (or rd_kafka_topic_new,
// which sends one) carries allow.auto.create.topics, true by default on a producer handle, so
// on a broker with auto.create.topics.enable (Kafka's default) merely looking made the broker
// create the topic with its default partition count: validate_only changed the broker it
// promises only to check, and then found a topic "with 4 partitions" the next time.
PartitionCount partition_count(rd_kafka_t* handle, const std::string& topic, int timeout_ms) {
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(handle, 1, nullptr, &md, timeout_ms);
  PartitionCount count;
  count.answered = err == RD_KAFKA_RESP_ERR_NO_ERROR;
  for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic != t.topic || t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    count.total = t.partition_cnt;
    count.replicas = t.partition_cnt > 0 ? t.partitions[0].replica_cnt : 0;
    for (int p = 0; p < t.partition_cnt; ++p) {
      const rd_kafka_metadata_partition_t& partition = t.partitions[p];
      if (partition.leader >= 0 && partition.err == RD_KAFKA_RESP_ERR_NO_ERROR) ++count.led;
    }
  }
  if (md != nullptr) rd_kafka_metadata_destroy(md);
  return count;
}

bool leaders_answer(rd_kafka_t* handle, const std::string& topic, int partitions, int timeout_ms) {
  for (int p = 0; p < partitions; ++p) {
    std::int64_t low = 0, high = 0;
    if (rd_kafka_query_watermark_offsets(handle, topic.c_str(), p, &low, &high, timeout_ms) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      return false;
    }
  }
  return true;
}

namespace {

// The settings set in `t` that the existing topic has otherwise, in words; fills `config` when
// a topic configuration setting is set (it has to be read from the broker).
std::error_code existing_differences(rd_kafka_t* rk, const std::string& topic,
                                     const TopicOptions& t, const KafkaOptions& k,
                                     const PartitionCount& have, TopicConfig& config,
                                     std::vector<std::string>& out, std::string& detail) {
  if (t.partitions && *t.partitions != have.total) {
    out.push_back("partitions: the topic has " + std::to_string(have.total) + ", asked " +
                  std::to_string(*t.partitions));
  }
  if (t.replicas && *t.replicas != have.replicas) {
    out.push_back("replicas: the topic has " + std::to_string(have.replicas) + ", asked " +
                  std::to_string(*t.replicas));
  }
  const std::vector<Asked> asked_configs = configs_asked(t);
  if (asked_configs.empty()) return {};
  if (auto ec = describe_topic_config(rk, topic, k.admin_timeout, config, detail)) return ec;
  for (const auto& [name, key, asked] : asked_configs) {
    const auto it = config.effective.find(key);
    const std::string has = it == config.effective.end() ? "(unknown)" : it->second;
    if (has != asked)
      out.push_back(std::string(name) + ": the topic has " + key + "=" + has + ", asked " + asked);
  }
  return {};
}

// create_or_update on an existing topic: what Kafka and the rule allow, or a refusal that
// changes nothing.
std::error_code update_existing(rd_kafka_t* rk, const std::string& topic, const TopicOptions& t,
                                const KafkaOptions& k, PartitionCount& have,
                                const TopicConfig& config, std::string& detail) {
  const std::string what = "topic " + topic + ": ";
  if (t.partitions && *t.partitions < have.total) {
    return failed(detail,
                  what + "has " + std::to_string(have.total) + " partitions, asked " +
                      std::to_string(*t.partitions) + ": Kafka cannot remove partitions",
                  errc::invalid_option);
  }
  if (t.replicas && *t.replicas != have.replicas) {
    return failed(detail,
                  what + "has replication factor " + std::to_string(have.replicas) + ", asked " +
                      std::to_string(*t.replicas) +
                      ": the bus does not move replicas (a partition reassignment, "
                      "kafka-reassign-partitions.sh, does)",
                  errc::invalid_option);
  }
  const bool grow_it = t.partitions && *t.partitions > have.total;
  if (grow_it && !t.allow_partition_increase) {
    return failed(detail,
                  what + "has " + std::to_string(have.total) + " partitions, asked " +
                      std::to_string(*t.partitions) +
                      ". Adding partitions moves most keys to another partition "
                      "(hash(key) % partitions, here and in every other producer), so "
                      "each aggregate's order across the change is lost; set "
                      "allow_partition_increase to add them anyway, or leave partitions "
                      "unset to use the topic as it is",
                  errc::invalid_option);
  }
  std::map<std::string, std::string> changes;
  for (const auto& [name, key, asked] : configs_asked(t)) {
    const auto it = config.effective.find(key);
    if (it == config.effective.end() || it->second != asked) changes[key] = asked;
  }
  if (!changes.empty()) {
    if (auto ec = alter_topic_config(rk, topic, config, changes, k.admin_timeout, detail))
      return ec;
  }
  if (grow_it) {
    std::string text;
    const rd_kafka_resp_err_t err = grow(rk, topic, *t.partitions, k, text);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return failed(
          detail, "kafka: add partitions to " + topic + ": " + rd_kafka_err2str(err) + " " + text);
    }
    have.total = *t.partitions;
  }
  return {};
}

}  // namespace

std::error_code ensure_kafka_topic(rd_kafka_t* rk, const BusOptions& options, const core::Log& log,
                                   const std::string& topic, int& partitions, std::string& detail) {
  const TopicOptions& t = options.topic_options(topic);
  const KafkaOptions& k = options.kafka;
  const int timeout = static_cast<int>(k.admin_timeout.count());
  partitions = -1;
  if (t.strategy == TopicStrategy::skip) return {};
  PartitionCount have = partition_count(rk, topic, timeout);
  if (!have.answered) {
    return failed(detail, "kafka: topic " + topic +
                              ": no broker answered a metadata request within " +
                              std::to_string(timeout) + " ms (kafka.admin_timeout)");
  }
  if (have.total < 0) {
    if (t.strategy == TopicStrategy::validate_only) {
      return failed(detail,
                    "topic " + topic + ": does not exist (strategy validate_only creates none)",
                    errc::invalid_option);
    }
    std::string text;
    const rd_kafka_resp_err_t err = create(rk, topic, t, k, text);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      partitions = t.partitions.value_or(TopicOptions::kDefaultPartitions);
      log.info("kafka", "topic {}: created with {} partitions", topic, partitions);
      return {};
    }
    if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      return failed(
          detail, "kafka: create topic " + topic + ": " + rd_kafka_err2str(err) + " " + text,
          to_error(err) == errc::transport_error ? errc::transport_error : errc::rejected);
    }
    have = partition_count(rk, topic, timeout);  // created by someone else meanwhile
    if (have.total < 0) {
      return failed(detail, "kafka: topic " + topic + ": exists, but not yet in the metadata");
    }
  }
  TopicConfig config;
  std::vector<std::string> differences;
  if (auto ec = existing_differences(rk, topic, t, k, have, config, differences, detail)) return ec;
  partitions = have.total;
  if (differences.empty()) return {};
  if (t.strategy == TopicStrategy::validate_only) {
    return failed(detail,
                  "topic " + topic +
                      ": differs from its options (strategy validate_only changes nothing): " +
                      joined(differences),
                  errc::invalid_option);
  }
  if (t.strategy == TopicStrategy::create_only) {
    log.warn("kafka", "topic {} is used as it is (strategy create_only), unlike its options: {}",
             topic, joined(differences));
    return {};
  }
  if (auto ec = update_existing(rk, topic, t, k, have, config, detail)) return ec;
  partitions = have.total;
  log.info("kafka", "topic {}: updated (strategy create_or_update): {}", topic,
           joined(differences));
  return {};
}

}  // namespace eventbus::kafka
