// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/read_consumer.hpp"

#include <algorithm>

#include "eventbus/error.hpp"
#include "eventbus/timestamp.hpp"
#include "transport/nats/nats_names.hpp"

namespace eventbus::nats {
namespace {

constexpr int kConsumerNotFound = 10014;
constexpr int kNoMessageFound = 10037;
constexpr std::int64_t kNanosPerMilli = 1000000;

std::int64_t nanos(std::chrono::nanoseconds d) {
  return d.count();
}

std::error_code failed(std::string& detail, const std::string& what, const ApiAnswer& answer) {
  detail = what + ": " + answer.text;
  return answer.error();
}

// What an anonymous read's consumer starts at: the stream sequence when > 0, else `from`.
nlohmann::json ephemeral_config(std::string_view topic, const ReadOptions& options,
                                std::uint64_t start_sequence) {
  nlohmann::json config{{"filter_subject", topic},
                        {"ack_policy", "none"},
                        {"replay_policy", "instant"},
                        {"mem_storage", true},
                        {"inactive_threshold", nanos(kEphemeralIdle)}};
  if (start_sequence > 0) {
    config["deliver_policy"] = "by_start_sequence";
    config["opt_start_seq"] = start_sequence;
  } else if (!options.group.empty() || options.from == ReadFrom::beginning) {
    config["deliver_policy"] = "all";
  } else if (options.from == ReadFrom::end) {
    config["deliver_policy"] = "new";
  } else {
    config["deliver_policy"] = "by_start_time";
    const Timestamp since{std::chrono::time_point_cast<std::chrono::nanoseconds>(options.since)};
    config["opt_start_time"] = since.format();
  }
  return config;
}

}  // namespace

ApiAnswer ReadConsumers::request(const std::string& operation, const nlohmann::json& body,
                                 core::Deadline deadline) const {
  const int left = core::ms_left(deadline);
  if (left <= 0) {
    ApiAnswer late;
    late.status = NATS_TIMEOUT;
    late.text = "the read's deadline passed before the server answered";
    return late;
  }
  return api_.request(operation, body,
                      std::min(options_.api_timeout, std::chrono::milliseconds(left)));
}

std::error_code ReadConsumers::last_sequence(const std::string& stream, const std::string& topic,
                                             core::Deadline deadline, std::uint64_t& last,
                                             std::string& detail) const {
  last = 0;
  const ApiAnswer answer = request("STREAM.MSG.GET." + stream, {{"last_by_subj", topic}}, deadline);
  if (answer.err_code == kNoMessageFound) return {};
  if (!answer.ok()) {
    return failed(detail, "nats: newest message of " + topic + " on stream " + stream, answer);
  }
  last = answer.body.value("message", nlohmann::json::object()).value("seq", std::uint64_t{0});
  return {};
}

std::error_code ReadConsumers::open(std::string_view topic, const ReadOptions& options,
                                    core::Deadline deadline, ReadSource& source,
                                    std::string& detail) const {
  if (options.group.empty()) {
    return open_ephemeral(topic, ephemeral_config(topic, options, 0), deadline, source, detail);
  }
  const std::string durable = consumer_name(options.group, topic);
  if (options.commit) return open_durable(topic, durable, deadline, source, detail);
  std::uint64_t floor = 0;
  if (std::error_code ec = ack_floor(source.stream, durable, deadline, floor, detail)) return ec;
  return open_ephemeral(topic, ephemeral_config(topic, options, floor + 1), deadline, source,
                        detail);
}

std::error_code ReadConsumers::open_ephemeral(std::string_view topic, nlohmann::json config,
                                              core::Deadline deadline, ReadSource& source,
                                              std::string& detail) const {
  const ApiAnswer answer =
      request("CONSUMER.CREATE." + source.stream,
              {{"stream_name", source.stream}, {"config", std::move(config)}}, deadline);
  if (!answer.ok()) {
    return failed(detail, "nats: reader of " + std::string(topic) + " on stream " + source.stream,
                  answer);
  }
  source.consumer = answer.body.value("name", std::string());
  source.ephemeral = true;
  source.acks = false;
  if (source.consumer.empty()) {
    detail = "nats: reader of " + std::string(topic) + ": the server named no consumer";
    return make_error_code(errc::transport_error);
  }
  return {};
}

// A durable that exists is used as it is (a subscription of the group may be reading it with
// its own settings); one that does not is made as a new group starts, at the first message.
std::error_code ReadConsumers::open_durable(std::string_view topic, const std::string& durable,
                                            core::Deadline deadline, ReadSource& source,
                                            std::string& detail) const {
  source.consumer = durable;
  source.ephemeral = false;
  source.acks = true;
  const std::string where = "nats: consumer " + durable + " on stream " + source.stream;
  const ApiAnswer info =
      request("CONSUMER.INFO." + source.stream + "." + durable, nullptr, deadline);
  if (info.ok()) {
    const auto config = info.body.value("config", nlohmann::json::object());
    if (!config.value("deliver_subject", std::string()).empty()) {
      detail = where + " is push-based; a read with commit needs a pull consumer";
      return make_error_code(errc::invalid_option);
    }
    if (config.value("ack_policy", std::string("explicit")) != "explicit") {
      detail = where + " does not ack each message; a read with commit needs explicit acks";
      return make_error_code(errc::invalid_option);
    }
    return {};
  }
  if (info.err_code != kConsumerNotFound) return failed(detail, where, info);
  const nlohmann::json config{{"durable_name", durable},
                              {"filter_subject", topic},
                              {"deliver_policy", "all"},
                              {"ack_policy", "explicit"},
                              {"replay_policy", "instant"},
                              {"ack_wait", options_.ack_wait.count() * kNanosPerMilli},
                              {"max_ack_pending", options_.max_ack_pending}};
  const ApiAnswer made = request("CONSUMER.DURABLE.CREATE." + source.stream + "." + durable,
                                 {{"stream_name", source.stream}, {"config", config}}, deadline);
  if (!made.ok()) return failed(detail, where, made);
  return {};
}

std::error_code ReadConsumers::ack_floor(const std::string& stream, const std::string& durable,
                                         core::Deadline deadline, std::uint64_t& floor,
                                         std::string& detail) const {
  floor = 0;
  const ApiAnswer info = request("CONSUMER.INFO." + stream + "." + durable, nullptr, deadline);
  if (info.err_code == kConsumerNotFound) return {};
  if (!info.ok()) return failed(detail, "nats: consumer " + durable + " on stream " + stream, info);
  floor =
      info.body.value("ack_floor", nlohmann::json::object()).value("stream_seq", std::uint64_t{0});
  return {};
}

void ReadConsumers::close(const ReadSource& source, std::chrono::milliseconds wait) const {
  if (!source.ephemeral || source.consumer.empty()) return;
  api_.request("CONSUMER.DELETE." + source.stream + "." + source.consumer, nullptr,
               std::max(std::chrono::milliseconds(1), std::min(options_.api_timeout, wait)));
}

}  // namespace eventbus::nats
