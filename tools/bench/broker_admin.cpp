// SPDX-License-Identifier: Apache-2.0
#include "broker_admin.hpp"

#if !defined(EVENTBUS_WITH_NATS) || !defined(EVENTBUS_WITH_KAFKA)
#error "tools/bench/CMakeLists.txt defines EVENTBUS_WITH_NATS and EVENTBUS_WITH_KAFKA (1 or 0)"
#endif
#if EVENTBUS_WITH_KAFKA
#include <librdkafka/rdkafka.h>
#endif
#if EVENTBUS_WITH_NATS
#include <nats/nats.h>
#endif

#include <cstdio>
#include <memory>

namespace eventbus::bench {
namespace {

[[maybe_unused]] constexpr int kAdminTimeoutMs = 10000;

[[maybe_unused]] void warn(const std::string& what) {
  std::fprintf(stderr, "eventbus-bench: cleanup: %s\n", what.c_str());
}

}  // namespace

std::string nats_stream_name(const std::string& topic) {
  return "BENCH_" + topic;
}

std::string library_of(const std::string& transport) {
  if (transport == "nats") return "nats.c";
  if (transport == "kafka") return "librdkafka";
  return transport;
}

#if EVENTBUS_WITH_NATS
void delete_nats_streams(const std::string& url, const std::vector<std::string>& streams) {
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, url.c_str()) != NATS_OK) {
    warn("cannot connect to " + url + " to delete streams");
    natsConnection_Destroy(nc);
    return;
  }
  jsCtx* js = nullptr;
  if (natsConnection_JetStream(&js, nc, nullptr) == NATS_OK) {
    for (const auto& s : streams) {
      jsErrCode jerr = static_cast<jsErrCode>(0);
      if (js_DeleteStream(js, s.c_str(), nullptr, &jerr) != NATS_OK && jerr != JSStreamNotFoundErr)
        warn("nats stream " + s + " not deleted");
    }
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
}
#endif

#if EVENTBUS_WITH_KAFKA
void delete_kafka_topics(const std::string& brokers, const std::vector<std::string>& topics) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), error, sizeof error);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return warn(std::string("kafka admin client: ") + error);
  }
  std::vector<rd_kafka_DeleteTopic_t*> requests;
  for (const auto& t : topics)
    requests.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_DeleteTopics(rk, requests.data(), requests.size(), nullptr, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, kAdminTimeoutMs);
  if (event == nullptr) {
    warn("kafka topics not deleted within 10 s");
  } else {
    if (rd_kafka_event_error(event)) warn(rd_kafka_event_error_string(event));
    rd_kafka_event_destroy(event);
  }
  rd_kafka_DeleteTopic_destroy_array(requests.data(), requests.size());
  rd_kafka_queue_destroy(queue);
  rd_kafka_destroy(rk);
}
#endif

// Without a broker transport there is nothing to delete: hence [[maybe_unused]].
void delete_topics([[maybe_unused]] const Settings& settings,
                   [[maybe_unused]] const std::string& transport,
                   [[maybe_unused]] const std::vector<std::string>& topics) {
#if EVENTBUS_WITH_NATS
  if (transport == "nats") {
    std::vector<std::string> streams;
    for (const auto& t : topics)
      streams.push_back(nats_stream_name(t));
    delete_nats_streams(settings.nats_url, streams);
  }
#endif
#if EVENTBUS_WITH_KAFKA
  if (transport == "kafka") delete_kafka_topics(settings.kafka_brokers, topics);
#endif
}

}  // namespace eventbus::bench
