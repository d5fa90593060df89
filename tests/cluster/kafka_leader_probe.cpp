// SPDX-License-Identifier: Apache-2.0
#include <librdkafka/rdkafka.h>

#include "cluster/leader_probe.hpp"
#include "kafka/kafka_test.hpp"

namespace eventbus::testing {
namespace {

constexpr int kMetadataTimeoutMs = 1000;

class KafkaLeaderProbe : public LeaderProbe {
 public:
  KafkaLeaderProbe(const std::string& nodes, std::string topic)
      : client_(make_client(RD_KAFKA_PRODUCER, nodes)), topic_(std::move(topic)) {}

  int leader() override {
    int found = 0;
    read([&](const rd_kafka_metadata_topic_t& t) {
      for (int p = 0; p < t.partition_cnt; ++p) {
        const rd_kafka_metadata_partition_t& partition = t.partitions[p];
        if (partition.id == 0 && partition.err == RD_KAFKA_RESP_ERR_NO_ERROR)
          found = partition.leader > 0 ? partition.leader : 0;
      }
    });
    return found;
  }

  bool in_sync() override {
    bool all = false;
    read([&](const rd_kafka_metadata_topic_t& t) {
      all = t.partition_cnt > 0;
      for (int p = 0; p < t.partition_cnt; ++p) {
        const rd_kafka_metadata_partition_t& partition = t.partitions[p];
        if (partition.err != RD_KAFKA_RESP_ERR_NO_ERROR || partition.leader <= 0 ||
            partition.isr_cnt != partition.replica_cnt) {
          all = false;
        }
      }
    });
    return all;
  }

 private:
  // Calls `on_topic` with the topic's metadata, from a request for all topics (one naming the
  // topic could make a broker auto-create it); not at all when no node answered in time.
  template <typename F>
  void read(F&& on_topic) {
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(client_.get(), 1, nullptr, &md, kMetadataTimeoutMs) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      return;
    }
    for (int i = 0; i < md->topic_cnt; ++i)
      if (topic_ == md->topics[i].topic) on_topic(md->topics[i]);
    rd_kafka_metadata_destroy(md);
  }

  HandlePtr client_;
  std::string topic_;
};

}  // namespace

std::unique_ptr<LeaderProbe> kafka_leader_probe(const std::string& nodes,
                                                const std::string& topic) {
  return std::make_unique<KafkaLeaderProbe>(nodes, topic);
}

}  // namespace eventbus::testing
