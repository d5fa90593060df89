#include "transport/kafka/kafka_topics.hpp"

#include <cstdint>

#include "eventbus/error.hpp"
#include "transport/kafka/kafka_config.hpp"
#include "transport/kafka/kafka_handles.hpp"

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

rd_kafka_resp_err_t create(rd_kafka_t* rk, const std::string& topic, const TopicOptions& t,
                           const KafkaOptions& k, std::string& text) {
  char error[512];
  std::unique_ptr<rd_kafka_NewTopic_t, NewTopicFree> nt(
      rd_kafka_NewTopic_new(topic.c_str(), t.partitions, t.replicas, error, sizeof error));
  if (!nt) {
    text = error;
    return RD_KAFKA_RESP_ERR__INVALID_ARG;
  }
  if (t.max_age.count() > 0) {
    rd_kafka_NewTopic_set_config(nt.get(), "retention.ms",
                                 std::to_string(t.max_age.count()).c_str());
  }
  if (t.max_bytes > 0) {
    rd_kafka_NewTopic_set_config(nt.get(), "retention.bytes", std::to_string(t.max_bytes).c_str());
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
  for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic != t.topic || t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    count.total = t.partition_cnt;
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

std::error_code ensure_kafka_topic(rd_kafka_t* rk, const BusOptions& options,
                                   const std::string& topic, std::string& detail) {
  const TopicOptions& t = options.topic_options(topic);
  const KafkaOptions& k = options.kafka;
  const int timeout = static_cast<int>(k.admin_timeout.count());
  if (t.strategy == TopicStrategy::skip) return {};
  if (t.strategy == TopicStrategy::validate_only) {
    const int have = partition_count(rk, topic, timeout).total;
    if (have < 0) {
      return failed(detail, "topic " + topic + ": does not exist (strategy validate_only)",
                    errc::invalid_option);
    }
    if (have != t.partitions) {
      return failed(detail,
                    "topic " + topic + ": has " + std::to_string(have) +
                        " partitions, options say " + std::to_string(t.partitions),
                    errc::invalid_option);
    }
    return {};
  }
  std::string text;
  rd_kafka_resp_err_t err = create(rk, topic, t, k, text);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return failed(detail,
                  "kafka: create topic " + topic + ": " + rd_kafka_err2str(err) + " " + text,
                  to_error(err) == errc::transport_error ? errc::transport_error : errc::rejected);
  }
  if (t.strategy == TopicStrategy::create_only) return {};
  const int have = partition_count(rk, topic, timeout).total;
  if (have > 0 && have < t.partitions) {
    err = grow(rk, topic, t.partitions, k, text);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return failed(detail, "kafka: add partitions to " + topic + ": " + rd_kafka_err2str(err));
    }
  }
  return {};
}

}  // namespace eventbus::kafka
