// SPDX-License-Identifier: Apache-2.0
// Bus::topics and Bus::group_lag on NATS, from the JetStream API: the streams with their
// subjects, messages and bytes (STREAM.LIST, a page at a time), and a group's backlog as its
// durable consumer on the stream carrying the topic counts it (CONSUMER.INFO).

#include <algorithm>

#include "eventbus/error.hpp"
#include "transport/nats/nats_names.hpp"
#include "transport/nats/nats_transport.hpp"

namespace eventbus::nats {
namespace {

constexpr int kConsumerNotFound = 10014;  // JetStream's "consumer not found"

std::string servers_text(const NatsOptions& n) {
  std::string text;
  for (const auto& s : n.servers)
    text += (text.empty() ? "" : ",") + redact_url(s);  // no user info, no password
  return text;
}

// The words and code of a failed call: closed when the bus is closing, else the answer's.
std::error_code failed(const ApiAnswer& answer, const std::stop_token& stop,
                       const std::string& what, const NatsOptions& n, std::string& detail) {
  if (stop.stop_requested()) {
    detail = "nats: " + what + ": the bus is closing";
    return make_error_code(errc::closed);
  }
  detail = "nats: " + what + " (server " + servers_text(n) + "): " + answer.text;
  return answer.error();
}

std::vector<std::string> strings_of(const nlohmann::json& array) {
  std::vector<std::string> out;
  if (!array.is_array()) return out;
  for (const auto& item : array)
    if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

std::int64_t count_of(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

}  // namespace

ApiAnswer NatsTransport::inspect_request(std::string_view operation, const nlohmann::json& body,
                                         core::Deadline deadline, const std::stop_token& stop) {
  const int left = core::ms_left(deadline);
  bool stopped = false;
  {
    std::lock_guard lock(consumers_mutex_);
    stopped = consuming_stopped_ || closed_ || !connection_;
  }
  if (left == 0 || stopped || stop.stop_requested()) {
    ApiAnswer answer;
    answer.status = NATS_TIMEOUT;
    answer.text = "no answer before the deadline";
    return answer;
  }
  return api_->request(operation, body,
                       std::min(options_.nats.api_timeout, std::chrono::milliseconds(left)));
}

TopicsReport NatsTransport::topics(core::Deadline deadline, std::stop_token stop) {
  TopicsReport report;
  std::int64_t offset = 0;
  for (;;) {  // STREAM.LIST answers a page (256 streams) at a time
    const ApiAnswer answer = inspect_request("STREAM.LIST", {{"offset", offset}}, deadline, stop);
    if (!answer.ok()) {
      report.error = failed(answer, stop, "list the streams", options_.nats, report.detail);
      report.topics.clear();
      return report;
    }
    const auto streams = answer.body.find("streams");
    const std::size_t got =
        streams != answer.body.end() && streams->is_array() ? streams->size() : 0;
    for (std::size_t i = 0; i < got; ++i) {
      const nlohmann::json& stream = (*streams)[i];
      const nlohmann::json config = stream.value("config", nlohmann::json::object());
      const nlohmann::json state = stream.value("state", nlohmann::json::object());
      std::string name = config.value("name", std::string());
      if (name.empty() || name.starts_with("__")) continue;
      TopicInfo& info = report.topics.emplace_back();
      info.name = std::move(name);
      info.subjects = strings_of(config.value("subjects", nlohmann::json::array()));
      info.messages = count_of(state, "messages");
      info.bytes = count_of(state, "bytes");
    }
    offset += static_cast<std::int64_t>(got);
    if (got == 0 || offset >= count_of(answer.body, "total")) break;
  }
  std::sort(report.topics.begin(), report.topics.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  return report;
}

GroupLagReport NatsTransport::group_lag(const std::string& group, const std::string& topic,
                                        core::Deadline deadline, std::stop_token stop) {
  GroupLagReport report;
  report.topic = topic;
  report.group = group;
  const ApiAnswer names = inspect_request("STREAM.NAMES", {{"subject", topic}}, deadline, stop);
  if (!names.ok()) {
    report.error =
        failed(names, stop, "which stream carries " + topic, options_.nats, report.detail);
    return report;
  }
  const std::vector<std::string> carriers =
      strings_of(names.body.value("streams", nlohmann::json::array()));
  if (carriers.empty()) {
    report.error = make_error_code(errc::unknown_topic);
    report.detail = "nats: no stream carries topic " + topic;
    return report;
  }
  if (carriers.size() > 1) {  // the transport itself refuses such a topic (nats_streams.cpp)
    report.error = make_error_code(errc::invalid_option);
    report.detail = "nats: topic " + topic +
                    ": several streams take this subject: " + names.body["streams"].dump();
    return report;
  }
  GroupPartitionLag& entry = report.entries.emplace_back();
  entry.topic = topic;
  entry.group = group;
  entry.stream = carriers.front();
  entry.consumer = consumer_name(group, topic);
  const ApiAnswer info = inspect_request("CONSUMER.INFO." + entry.stream + "." + entry.consumer,
                                         nullptr, deadline, stop);
  if (info.ok()) {
    report.has_position = true;
    entry.pending = count_of(info.body, "num_pending");
    entry.unacked = count_of(info.body, "num_ack_pending");
    entry.committed =
        count_of(info.body.value("ack_floor", nlohmann::json::object()), "stream_seq");
    return report;
  }
  if (info.err_code != kConsumerNotFound) {
    report.error = failed(info, stop, "consumer " + entry.consumer + " on stream " + entry.stream,
                          options_.nats, report.detail);
    report.entries.clear();
    return report;
  }
  // No durable yet: the group would start at the stream's first message of the topic, so
  // all of them are its lag. subjects_filter counts the topic's alone in a shared stream.
  const ApiAnswer stream =
      inspect_request("STREAM.INFO." + entry.stream, {{"subjects_filter", topic}}, deadline, stop);
  if (!stream.ok()) {
    report.error = failed(stream, stop, "stream " + entry.stream, options_.nats, report.detail);
    report.entries.clear();
    return report;
  }
  const nlohmann::json state = stream.body.value("state", nlohmann::json::object());
  entry.pending = count_of(state.value("subjects", nlohmann::json::object()), topic.c_str());
  return report;
}

}  // namespace eventbus::nats
