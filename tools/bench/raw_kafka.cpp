// SPDX-License-Identifier: Apache-2.0
// The raw librdkafka baseline (see raw_runners.hpp), configured as the bus's Kafka transport
// is: idempotent producer, acks=all, linger 5 ms, sarama-compatible partitioner, keys = aggregate.
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "broker_admin.hpp"
#include "message_factory.hpp"
#include "raw_runners.hpp"
#include "raw_sender.hpp"
#include "sender_pool.hpp"

namespace eventbus::bench {
namespace {

constexpr int kPartitions = 4;  // TopicOptions::partitions' default, as the bus creates them
constexpr int kAdminTimeoutMs = 10000;

void set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
    throw std::runtime_error(std::string("kafka property ") + name + ": " + error);
  }
}

rd_kafka_t* make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char error[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof error);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("kafka: ") + error);
  }
  return rk;  // owns conf now
}

// Runs on the delivery-report poll thread; the message's opaque is its sequence number.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  static_cast<Recorder*>(opaque)->completed(reinterpret_cast<std::uintptr_t>(m->_private),
                                            m->err == RD_KAFKA_RESP_ERR_NO_ERROR);
}

void create_topics(rd_kafka_t* rk, const std::vector<std::string>& topics) {
  char error[512];
  std::vector<rd_kafka_NewTopic_t*> requests;
  for (const auto& t : topics)
    requests.push_back(rd_kafka_NewTopic_new(t.c_str(), kPartitions, 1, error, sizeof error));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, requests.data(), requests.size(), nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, kAdminTimeoutMs);
  std::string failure = event == nullptr ? "no answer within 10 s" : "";
  if (event != nullptr) {
    if (rd_kafka_event_error(event)) failure = rd_kafka_event_error_string(event);
    if (const auto* result = rd_kafka_event_CreateTopics_result(event)) {
      std::size_t n = 0;
      const rd_kafka_topic_result_t** each = rd_kafka_CreateTopics_result_topics(result, &n);
      for (std::size_t i = 0; i < n; ++i) {
        const auto err = rd_kafka_topic_result_error(each[i]);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
          failure = rd_kafka_err2str(err);
      }
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_NewTopic_destroy_array(requests.data(), requests.size());
  rd_kafka_queue_destroy(queue);
  if (!failure.empty()) throw std::runtime_error("kafka: create topics: " + failure);
}

class RawKafka {
 public:
  RawKafka(const RunContext& c, Recorder& recorder, const std::vector<std::string>& topics)
      : recorder_(recorder) {
    try {
      start(c, topics);
    } catch (...) {
      stop_and_free();  // the destructor does not run for a constructor that threw
      throw;
    }
  }
  RawKafka(const RawKafka&) = delete;
  RawKafka& operator=(const RawKafka&) = delete;
  ~RawKafka() { stop_and_free(); }

  // Copies the bytes; on a full local queue waits for room as the bus's block policy does.
  bool publish(const std::string& topic, const std::string& key, const std::string& bytes,
               std::uint64_t seq) {
    for (int tries = 0; tries < 5000; ++tries) {
      const rd_kafka_resp_err_t err = rd_kafka_producev(
          producer_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
          RD_KAFKA_V_VALUE(const_cast<char*>(bytes.data()), bytes.size()),
          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
          RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<std::uintptr_t>(seq))),
          RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return true;
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
  }

 private:
  void start(const RunContext& c, const std::vector<std::string>& topics) {
    producer_ = make_client(RD_KAFKA_PRODUCER, producer_config(c));
    pollers_.emplace_back([this] {
      while (!stop_.load())
        rd_kafka_poll(producer_, 50);
    });
    create_topics(producer_, topics);
    consumer_ = make_client(RD_KAFKA_CONSUMER, consumer_config(c));
    rd_kafka_poll_set_consumer(consumer_);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(5);
    for (const auto& t : topics)
      rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
    const rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer_, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error(std::string("kafka: subscribe: ") + rd_kafka_err2str(err));
    }
    pollers_.emplace_back([this] { consume_loop(); });
  }

  rd_kafka_conf_t* producer_config(const RunContext& c) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", c.settings.kafka_brokers);
    set(conf, "client.id", "eventbus-bench-raw");
    set(conf, "enable.idempotence", "true");
    set(conf, "acks", "all");
    set(conf, "partitioner", "fnv1a_random");
    set(conf, "compression.type", "none");
    set(conf, "linger.ms", "5");
    set(conf, "batch.size", "1000000");
    set(conf, "message.timeout.ms", "30000");
    // The same bound as the bus's publishes (--max-in-flight). The bus gives librdkafka 1,024
    // more, but only for its dead letters; with that room here too, raw could have 5,120
    // publishes waiting where the bus has 4,096, and at 5,000 messages never waited at all.
    set(conf, "queue.buffering.max.messages", std::to_string(c.settings.max_in_flight));
    rd_kafka_conf_set_dr_msg_cb(conf, &on_delivery);
    rd_kafka_conf_set_opaque(conf, &recorder_);
    return conf;
  }

  rd_kafka_conf_t* consumer_config(const RunContext& c) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", c.settings.kafka_brokers);
    set(conf, "client.id", "eventbus-bench-raw");
    set(conf, "group.id", "raw-" + c.run_id);
    set(conf, "auto.offset.reset", "earliest");
    set(conf, "enable.auto.commit", "true");
    return conf;
  }

  void consume_loop() {
    while (!stop_.load()) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_, 100);
      if (m == nullptr) continue;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        recorder_.handled({static_cast<const char*>(m->payload), m->len}, now_ns());
      }
      rd_kafka_message_destroy(m);
    }
  }

  void stop_and_free() {
    stop_.store(true);
    for (auto& t : pollers_)
      t.join();
    pollers_.clear();
    if (consumer_ != nullptr) {
      rd_kafka_consumer_close(consumer_);
      rd_kafka_destroy(consumer_);
      consumer_ = nullptr;
    }
    if (producer_ != nullptr) {
      rd_kafka_flush(producer_, 5000);
      rd_kafka_destroy(producer_);
      producer_ = nullptr;
    }
  }

  Recorder& recorder_;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_t* consumer_ = nullptr;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> pollers_;
};

}  // namespace

RunMetrics run_raw_kafka(RunContext& context, const Level& level, std::size_t repeat) {
  const Settings& settings = context.settings;
  const Scenario s = Scenario::for_messages(level.messages, settings.topics);
  RunMetrics m = new_run("kafka", "raw", level.name, s.messages, s.aggregates, repeat);
  const MessageFactory factory(s, settings.envelope_bytes);
  std::vector<std::string> topics, keys;
  for (std::size_t t = 0; t < s.topics; ++t)
    topics.push_back("raw-" + context.run_id + "-t" + std::to_string(t));
  for (std::size_t a = 0; a < s.aggregates; ++a)
    keys.push_back(MessageFactory::aggregate_id(a));
  Recorder recorder(s);
  RunFrame frame(context, m);
  try {
    std::optional<RawKafka> client;
    client.emplace(context, recorder, topics);
    const StampOffsets at = factory.raw_stamps();
    std::string warm = factory.raw_template();
    for (std::size_t t = 0; t < topics.size(); ++t) {
      write_digits(warm.data() + at.seq, kSeqDigits, s.messages + t);
      if (!client->publish(topics[t], "warmup", warm, s.messages + t))
        throw std::runtime_error("kafka: warm-up publish refused");
    }
    frame.wait_for_warmup(recorder, topics.size());
    std::vector<std::string> buffers(settings.senders, factory.raw_template());
    SenderPool senders(
        s, settings.senders,
        raw_sender(buffers, at, recorder, [&](std::uint64_t seq, const std::string& bytes) {
          return client->publish(topics[s.topic_of(seq)], keys[s.aggregate_of(seq)], bytes, seq);
        }));
    frame.wait_for_messages(recorder, senders);
    frame.closing();
    client.reset();
    frame.closed();
  } catch (const std::exception& e) {
    m.error = e.what();
  }
  recorder.summarize(m);
  frame.client_gone("librdkafka", 0);
  delete_kafka_topics(settings.kafka_brokers, topics);
  return m;
}

}  // namespace eventbus::bench
