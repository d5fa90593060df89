// SPDX-License-Identifier: Apache-2.0
#include "transport/nats/nats_streams.hpp"

#include <mutex>

#include "eventbus/error.hpp"
#include "transport/nats/nats_names.hpp"
#include "transport/nats/stream_settings.hpp"

namespace eventbus::nats {
namespace {

std::error_code invalid(std::string& detail, std::string what) {
  detail = std::move(what);
  return make_error_code(errc::invalid_option);
}

std::error_code failed(std::string& detail, const std::string& what, const ApiAnswer& answer) {
  detail = what + ": " + answer.text;
  return answer.error();
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += (text.empty() ? "" : "; ") + item;
  return text;
}

bool carries(const std::vector<std::string>& subjects, const std::string& topic) {
  for (const auto& s : subjects)
    if (subject_matches(s, topic)) return true;
  return false;
}

}  // namespace

NatsStreams::NatsStreams(const NatsConnection& connection, const BusOptions& options,
                         core::LogPtr log)
    : api_(connection, options.nats.domain), options_(options), log_(std::move(log)) {}

std::error_code NatsStreams::ensure(const std::string& topic, bool for_subscribe, Deadline deadline,
                                    std::string& stream, std::string& detail) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = ready_.find(topic); it != ready_.end()) {
      stream = it->second;
      return {};
    }
  }
  const TopicOptions& t = options_.topic_options(topic);
  if (t.strategy == TopicStrategy::skip && !for_subscribe) {
    stream.clear();  // the publish ack names the stream that took it
    return {};
  }
  if (std::error_code ec = resolve(topic, t, deadline, stream, detail)) return ec;
  std::unique_lock lock(mutex_);
  ready_.emplace(topic, stream);
  return {};
}

std::error_code NatsStreams::resolve(const std::string& topic, const TopicOptions& t,
                                     Deadline deadline, std::string& stream, std::string& detail) {
  std::string carrier;
  if (std::error_code ec = find_carrier(topic, deadline, carrier, detail)) return ec;
  if (!carrier.empty()) return use_carrier(topic, t, carrier, deadline, stream, detail);
  if (t.strategy == TopicStrategy::skip) {
    detail = "topic " + topic + ": no stream carries this subject (strategy skip creates none)";
    return make_error_code(errc::rejected);
  }
  if (t.strategy == TopicStrategy::validate_only) {
    return invalid(detail, "topic " + topic +
                               ": no stream carries this subject (strategy validate_only "
                               "creates none)");
  }
  return create(topic, t, deadline, stream, detail);
}

std::error_code NatsStreams::use_carrier(const std::string& topic, const TopicOptions& t,
                                         const std::string& carrier, Deadline deadline,
                                         std::string& stream, std::string& detail) {
  if (!t.stream.empty() && carrier != t.stream) {
    return invalid(detail, "topic " + topic + ": stream " + carrier +
                               " carries this subject on the server, not stream " + t.stream +
                               " that the topic's options name (a subject belongs to one "
                               "stream); leave the option empty to use " +
                               carrier);
  }
  if (t.strategy != TopicStrategy::skip) {
    if (std::error_code ec = settle_existing(topic, t, carrier, deadline, detail)) return ec;
  }
  log_->debug("nats", "topic {}: stream {} carries it", topic, carrier);
  stream = carrier;
  return {};
}

std::error_code NatsStreams::find_carrier(const std::string& topic, Deadline deadline,
                                          std::string& stream, std::string& detail) {
  const ApiAnswer answer = request("STREAM.NAMES", {{"subject", topic}}, deadline);
  if (!answer.ok()) return failed(detail, "nats: which stream carries " + topic, answer);
  stream.clear();
  const auto names = answer.body.find("streams");
  if (names == answer.body.end() || !names->is_array() || names->empty()) return {};
  if (names->size() > 1) {
    return invalid(detail, "topic " + topic + ": several streams take this subject: " +
                               names->dump() + "; name one with the topic's stream option");
  }
  stream = (*names)[0].get<std::string>();
  return {};
}

// A stream that carries the topic: create_only uses it as it is, validate_only compares the
// settings the user set, create_or_update applies them.
std::error_code NatsStreams::settle_existing(const std::string& topic, const TopicOptions& t,
                                             const std::string& stream, Deadline deadline,
                                             std::string& detail) {
  if (!t.storage && !t.max_age && !t.max_bytes && !t.max_messages && !t.replicas && !t.discard &&
      !t.duplicate_window) {
    return {};  // nothing set, nothing to compare or change
  }
  const ApiAnswer answer = info(stream, deadline);
  if (!answer.ok()) return failed(detail, "nats: stream " + stream, answer);
  nlohmann::json config = answer.body.value("config", nlohmann::json::object());
  const std::vector<std::string> differences = setting_differences(config, t);
  if (differences.empty()) return {};
  const std::string what = "topic " + topic + ": stream " + stream;
  switch (t.strategy) {
    case TopicStrategy::create_only:
      log_->warn("nats",
                 "{} is used as it is (strategy create_only), unlike the topic's "
                 "options: {}",
                 what, joined(differences));
      return {};
    case TopicStrategy::validate_only:
      return invalid(detail, what +
                                 " differs from the topic's options (strategy validate_only "
                                 "changes nothing): " +
                                 joined(differences));
    default:
      break;
  }
  if (const auto fixed = fixed_setting_differences(config, t); !fixed.empty()) {
    return invalid(
        detail, what + ": a stream's storage cannot change once it is created: " + joined(fixed));
  }
  apply_settings(config, t);
  if (std::error_code ec = update(stream, config, deadline, detail)) return ec;
  log_->info("nats", "{} updated (strategy create_or_update): {}", what, joined(differences));
  return {};
}

std::error_code NatsStreams::create(const std::string& topic, const TopicOptions& t,
                                    Deadline deadline, std::string& stream, std::string& detail) {
  const NatsOptions& n = options_.nats;
  const std::string name = t.stream.empty() ? new_stream_name(topic, n) : t.stream;
  const bool shared = name == n.stream_name && carries(n.stream_subjects, topic);
  const std::vector<std::string> subjects = shared ? n.stream_subjects : std::vector{topic};
  const ApiAnswer answer =
      request("STREAM.CREATE." + name, new_stream_config(name, subjects, t), deadline);
  if (answer.ok()) {
    log_->info("nats", "topic {}: created stream {} with subjects {}", topic, name,
               list_text(subjects));
    stream = name;
    return {};
  }
  if (answer.err_code == kStreamSubjectOverlap) {  // another stream took it since we asked
    std::string carrier;
    if (std::error_code ec = find_carrier(topic, deadline, carrier, detail)) return ec;
    if (carrier.empty()) {
      return invalid(detail, "topic " + topic + ": stream " + name + " with subjects " +
                                 list_text(subjects) +
                                 " would overlap the subjects of another stream: " + answer.text);
    }
    return use_carrier(topic, t, carrier, deadline, stream, detail);
  }
  if (answer.err_code != kStreamNameInUse) {
    return failed(detail, "nats: create stream " + name + " for topic " + topic, answer);
  }
  // The stream exists without this subject (or got it since we asked).
  const ApiAnswer existing = info(name, deadline);
  if (!existing.ok()) return failed(detail, "nats: stream " + name, existing);
  const auto have = subjects_of(existing.body.value("config", nlohmann::json::object()));
  if (carries(have, topic)) return use_carrier(topic, t, name, deadline, stream, detail);
  if (t.strategy != TopicStrategy::create_or_update) {
    return invalid(detail,
                   "topic " + topic + ": stream " + name +
                       " exists and does not carry this subject (its subjects: " + list_text(have) +
                       "); strategy create_or_update adds the subject, create_only "
                       "leaves the stream as it is");
  }
  if (std::error_code ec = add_subject(topic, t, name, deadline, detail)) return ec;
  stream = name;
  return {};
}

// create_or_update: the subject joins the stream's subjects; none is ever taken away.
std::error_code NatsStreams::add_subject(const std::string& topic, const TopicOptions& t,
                                         const std::string& stream, Deadline deadline,
                                         std::string& detail) {
  const ApiAnswer answer = info(stream, deadline);
  if (!answer.ok()) return failed(detail, "nats: stream " + stream, answer);
  nlohmann::json config = answer.body.value("config", nlohmann::json::object());
  if (const auto fixed = fixed_setting_differences(config, t); !fixed.empty()) {
    return invalid(detail,
                   "topic " + topic + ": stream " + stream +
                       ": a stream's storage cannot change once it is created: " + joined(fixed));
  }
  const std::vector<std::string> before = subjects_of(config);
  config["subjects"].push_back(topic);
  apply_settings(config, t);
  if (std::error_code ec = update(stream, config, deadline, detail)) return ec;
  log_->info("nats", "topic {}: added to the subjects {} of stream {}", topic, list_text(before),
             stream);
  return {};
}

std::error_code NatsStreams::update(const std::string& stream, const nlohmann::json& config,
                                    Deadline deadline, std::string& detail) {
  const ApiAnswer answer = request("STREAM.UPDATE." + stream, config, deadline);
  if (!answer.ok()) return failed(detail, "nats: update stream " + stream, answer);
  return {};
}

ApiAnswer NatsStreams::info(const std::string& stream, Deadline deadline) const {
  return request("STREAM.INFO." + stream, nullptr, deadline);
}

ApiAnswer NatsStreams::request(std::string_view operation, const nlohmann::json& body,
                               Deadline deadline) const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    ApiAnswer late;
    late.status = NATS_TIMEOUT;
    late.text = "no time left before the call's deadline";
    return late;
  }
  return api_.request(operation, body, std::min(left, options_.nats.api_timeout));
}

}  // namespace eventbus::nats
