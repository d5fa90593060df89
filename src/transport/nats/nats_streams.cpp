#include "transport/nats/nats_streams.hpp"

#include <mutex>
#include <vector>

#include "eventbus/error.hpp"
#include "transport/nats/nats_handles.hpp"
#include "transport/nats/nats_names.hpp"
#include "transport/nats/nats_status.hpp"

namespace eventbus::nats {
namespace {

constexpr std::int64_t kNanosPerMilli = 1000000;

struct StreamConfig {
  jsStreamConfig config;
  const char* subject;

  StreamConfig(const std::string& topic, const TopicOptions& t, const std::string& stream)
      : subject(topic.c_str()) {
    jsStreamConfig_Init(&config);
    config.Name = stream.c_str();
    config.Subjects = &subject;
    config.SubjectsLen = 1;
    config.Storage = t.storage == StorageType::memory ? js_MemoryStorage : js_FileStorage;
    config.MaxAge = t.max_age.count() * kNanosPerMilli;
    config.MaxBytes = t.max_bytes;
    config.MaxMsgs = t.max_messages;
    config.Replicas = t.replicas;
    config.Discard = t.discard == DiscardPolicy::new_messages ? js_DiscardNew : js_DiscardOld;
    config.Duplicates = t.duplicate_window.count() * kNanosPerMilli;
  }
};

std::error_code invalid(std::string& detail, std::string what) {
  detail = std::move(what);
  return make_error_code(errc::invalid_option);
}

}  // namespace

std::error_code NatsStreams::ensure(const std::string& topic, std::string& stream,
                                    std::string& detail) {
  {
    std::shared_lock lock(mutex_);
    if (auto it = ready_.find(topic); it != ready_.end()) {
      stream = it->second;
      return {};
    }
  }
  // One round trip per topic and bus: holding the lock makes concurrent first publishes wait
  // for it instead of racing to create the same stream.
  std::unique_lock lock(mutex_);
  if (auto it = ready_.find(topic); it != ready_.end()) {
    stream = it->second;
    return {};
  }
  const TopicOptions& t = options_.topic_options(topic);
  const std::string name = t.stream.empty() ? stream_name(topic) : t.stream;
  if (std::error_code ec = ensure_on_broker(topic, t, name, detail)) return ec;
  ready_.emplace(topic, name);
  stream = name;
  return {};
}

std::error_code NatsStreams::ensure_on_broker(const std::string& topic, const TopicOptions& t,
                                              const std::string& stream, std::string& detail) {
  if (t.strategy == TopicStrategy::skip) return {};
  if (t.strategy == TopicStrategy::validate_only) return validate(topic, t, stream, detail);
  StreamConfig cfg(topic, t, stream);
  jsStreamInfo* raw = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&raw, js_, &cfg.config, nullptr, &jerr);
  StreamInfoPtr info(raw);
  if (s == NATS_OK) return {};
  // Another stream (a Go service's, say) already carries this subject: use it as it is.
  if (jerr == JSStreamSubjectOverlapErr) return {};
  if (jerr == JSStreamNameExistErr && t.strategy == TopicStrategy::create_only) return {};
  if (jerr == JSStreamNameExistErr) {
    raw = nullptr;
    s = js_UpdateStream(&raw, js_, &cfg.config, nullptr, &jerr);
    info.reset(raw);
    if (s == NATS_OK) return {};
  }
  detail = describe("nats: stream " + stream + " for topic " + topic, s, jerr);
  return to_error(s, jerr);
}

// validate_only: the stream must exist, carry the topic, and match the options we can compare.
std::error_code NatsStreams::validate(const std::string& topic, const TopicOptions& t,
                                      const std::string& stream, std::string& detail) {
  jsStreamInfo* raw = nullptr;
  jsErrCode jerr = static_cast<jsErrCode>(0);
  const natsStatus s = js_GetStreamInfo(&raw, js_, stream.c_str(), nullptr, &jerr);
  StreamInfoPtr info(raw);
  if (s != NATS_OK) {
    if (jerr == JSStreamNotFoundErr) {
      return invalid(detail, "topic " + topic + ": stream " + stream +
                                 " does not exist (strategy validate_only)");
    }
    detail = describe("nats: stream " + stream, s, jerr);
    return to_error(s, jerr);
  }
  const jsStreamConfig& c = *info->Config;
  bool carries = false;
  for (int i = 0; i < c.SubjectsLen; ++i)
    carries = carries || topic == c.Subjects[i];
  if (!carries) return invalid(detail, "stream " + stream + ": does not carry subject " + topic);
  const StreamConfig want(topic, t, stream);
  if (c.Storage != want.config.Storage)
    return invalid(detail, "stream " + stream + ": storage differs");
  if (c.MaxAge != want.config.MaxAge)
    return invalid(detail, "stream " + stream + ": max_age differs");
  if (c.MaxBytes != want.config.MaxBytes)
    return invalid(detail, "stream " + stream + ": max_bytes differs");
  if (c.MaxMsgs != want.config.MaxMsgs)
    return invalid(detail, "stream " + stream + ": max_messages differs");
  if (c.Replicas != want.config.Replicas)
    return invalid(detail, "stream " + stream + ": replicas differs");
  return {};
}

}  // namespace eventbus::nats
