// SPDX-License-Identifier: Apache-2.0
#include "transport/kafka/kafka_topic_config.hpp"

#include <memory>

#include "eventbus/error.hpp"
#include "transport/kafka/kafka_handles.hpp"

namespace eventbus::kafka {
namespace {

struct ResourceFree {
  void operator()(rd_kafka_ConfigResource_t* p) const noexcept {
    rd_kafka_ConfigResource_destroy(p);
  }
};
using ResourcePtr = std::unique_ptr<rd_kafka_ConfigResource_t, ResourceFree>;

std::error_code failed(std::string& detail, std::string what) {
  detail = std::move(what);
  return make_error_code(errc::transport_error);
}

// The one resource of a Describe/AlterConfigs answer, or null with `detail` saying why.
const rd_kafka_ConfigResource_t* only_resource(rd_kafka_event_t* event, bool describe,
                                               std::string& detail) {
  if (event == nullptr) {
    detail = "no answer from the broker in time";
    return nullptr;
  }
  if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    detail = rd_kafka_event_error_string(event);
    return nullptr;
  }
  size_t count = 0;
  const rd_kafka_ConfigResource_t** resources =
      describe ? rd_kafka_DescribeConfigs_result_resources(
                     rd_kafka_event_DescribeConfigs_result(event), &count)
               : rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(event),
                                                        &count);
  if (count != 1) {
    detail = "the broker answered for " + std::to_string(count) + " resources, not 1";
    return nullptr;
  }
  if (rd_kafka_ConfigResource_error(resources[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* text = rd_kafka_ConfigResource_error_string(resources[0]);
    detail = text != nullptr ? text : rd_kafka_err2str(rd_kafka_ConfigResource_error(resources[0]));
    return nullptr;
  }
  return resources[0];
}

}  // namespace

std::error_code describe_topic_config(rd_kafka_t* rk, const std::string& topic,
                                      std::chrono::milliseconds timeout, TopicConfig& config,
                                      std::string& detail) {
  ResourcePtr resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  QueuePtr queue(rd_kafka_queue_new(rk));
  rd_kafka_ConfigResource_t* list[] = {resource.get()};
  rd_kafka_DescribeConfigs(rk, list, 1, nullptr, queue.get());
  EventPtr event(rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count())));
  std::string why;
  const rd_kafka_ConfigResource_t* answer = only_resource(event.get(), true, why);
  if (answer == nullptr) return failed(detail, "kafka: describe topic " + topic + ": " + why);
  size_t count = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(answer, &count);
  for (size_t i = 0; i < count; ++i) {
    const char* name = rd_kafka_ConfigEntry_name(entries[i]);
    const char* value = rd_kafka_ConfigEntry_value(entries[i]);
    const bool dynamic =
        rd_kafka_ConfigEntry_source(entries[i]) == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG;
    if (value == nullptr) {
      config.has_hidden_dynamic = config.has_hidden_dynamic || dynamic;
      continue;
    }
    config.effective[name] = value;
    if (dynamic) config.dynamic[name] = value;
  }
  return {};
}

std::error_code alter_topic_config(rd_kafka_t* rk, const std::string& topic,
                                   const TopicConfig& current,
                                   const std::map<std::string, std::string>& changes,
                                   std::chrono::milliseconds timeout, std::string& detail) {
  if (current.has_hidden_dynamic) {
    detail = "kafka: topic " + topic +
             ": has a sensitive setting of its own whose value the broker does not show; "
             "changing its settings here would erase it (librdkafka 2.0.2 has no incremental "
             "AlterConfigs), so change them with kafka-configs.sh";
    return make_error_code(errc::invalid_option);
  }
  std::map<std::string, std::string> all = current.dynamic;
  for (const auto& [name, value] : changes)
    all[name] = value;
  ResourcePtr resource(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  for (const auto& [name, value] : all)
    rd_kafka_ConfigResource_set_config(resource.get(), name.c_str(), value.c_str());
  QueuePtr queue(rd_kafka_queue_new(rk));
  rd_kafka_ConfigResource_t* list[] = {resource.get()};
  rd_kafka_AlterConfigs(rk, list, 1, nullptr, queue.get());
  EventPtr event(rd_kafka_queue_poll(queue.get(), static_cast<int>(timeout.count())));
  std::string why;
  if (only_resource(event.get(), false, why) == nullptr) {
    return failed(detail, "kafka: change settings of topic " + topic + ": " + why);
  }
  return {};
}

}  // namespace eventbus::kafka
