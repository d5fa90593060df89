// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_topic_readiness.hpp"

#include <algorithm>
#include <thread>

#include "eventbus/error.hpp"
#include "transport/kafka/kafka_topics.hpp"

namespace eventbus::kafka {

std::error_code KafkaTopicReadiness::prepare(const std::string& topic,
                                             std::chrono::steady_clock::time_point deadline,
                                             std::string& detail) const {
  using Clock = std::chrono::steady_clock;
  rd_kafka_t* rk = handle_.get();
  if (!broker_answers(deadline)) {
    detail = "kafka: topic " + topic + ": no broker at " + options_.kafka.brokers + " answered";
    return make_error_code(errc::transport_error);
  }
  int partitions = -1;
  if (std::error_code ec = ensure_kafka_topic(rk, options_, *log_, topic, partitions, detail)) {
    return ec;
  }
  // A topic just created is not in every broker's metadata at once. A consumer that subscribes
  // before it is sees "unknown topic" and looks again only at its next metadata refresh, so
  // wait (bounded) until the metadata shows the topic's partitions, each with a leader that
  // answers for it: a first produce that meets NOT_LEADER on a new partition makes librdkafka
  // 2.0.2's idempotent producer ack messages that were never stored (see kafka_producer.cpp),
  // and those publishes fail (GroupChurn saw 1 in ~9,000 that way with the metadata check
  // alone). create_or_update may just have added partitions: wait for all of them.
  const int want = std::max(partitions, 1);
  while (partitions >= 0) {  // -1: skip
    const int slice = std::clamp(
        static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()),
        1, 1000);
    const PartitionCount count = partition_count(rk, topic, slice);
    if (count.total >= want && count.led == count.total &&
        leaders_answer(rk, topic, count.total, slice)) {
      return {};
    }
    if (Clock::now() >= deadline || stopping_.load()) {
      if (count.total >= want) {  // a broker of the cluster is down: its partitions wait
        log_->warn("kafka",
                   "topic {}: not every partition's leader answered in time ({} of {} have one "
                   "in the metadata); publishing anyway",
                   topic, count.led, count.total);
        return {};
      }
      detail = "kafka: topic " + topic + " is not in the brokers' metadata yet";
      return make_error_code(errc::transport_error);
    }
    // Nothing announces the topic's arrival: ask again shortly, not in a tight loop.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return {};
}

bool KafkaTopicReadiness::broker_answers(std::chrono::steady_clock::time_point deadline) const {
  using Clock = std::chrono::steady_clock;
  do {
    // No topic named: the request asks only for the brokers, so it creates nothing.
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(handle_.get(), 0, nullptr, &md, 100);
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
  } while (!stopping_.load() && Clock::now() < deadline);
  return false;
}

}  // namespace eventbus::kafka
